"""One car as the station sees it: VIN, model, colour, options, notes, work instructions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from neofloor.i18n import _
from neofloor.tui.safe_text import plain
from neofloor.tui.station_wording import bay_card_text, phase_words

if TYPE_CHECKING:
    from datetime import datetime

    from neofloor.services.supervision.repair_time import CarInRepair
    from neofloor.services.tracking.floor import CarSummary


class CarCard(Static):
    """Shows one car, or a sentence when there is none; the border title says where it is."""

    def show_car(self, car: CarSummary, where: str, instructions: list[str]) -> None:
        self.border_title = where
        text = Text()
        text.append(car.vin, style="bold")
        text.append(f"  #{car.build_seq}\n")
        text.append(f"{car.model_name} ({car.model}) · {car.color}")
        if car.order_ref:
            text.append(" · " + _("order {reference}").format(reference=plain(car.order_ref)))
        if car.held:
            text.append("\n" + _("HELD:") + " ", style="bold reverse")
            text.append(f" {plain(car.hold_reason)}", style="bold")
        options = ", ".join(o for o in car.options.split(",") if o)
        text.append("\n" + _("Options:") + " ", style="dim")
        text.append(options or _("none"))
        if car.option_notes:
            text.append("\n" + _("Notes:") + " ", style="dim")
            text.append(plain(car.option_notes), style="bold")
        for line in instructions:
            text.append("\n▸ ")
            text.append(plain(line))
        self.set_class(car.held, "-held")
        self.update(text)

    def show_bay_car(self, car: CarInRepair, zone: str, now: datetime) -> None:
        """A car in the repair bay: where it came from, why, since when; the title its step."""
        self.border_title = phase_words(car.phase).capitalize()
        self.set_class(False, "-held")
        self.update(bay_card_text(car, zone, now))

    def show_nothing(self, title: str, sentence: str) -> None:
        self.border_title = title
        self.set_class(False, "-held")
        self.update(Text(sentence, style="dim"))
