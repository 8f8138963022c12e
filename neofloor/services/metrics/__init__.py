"""Read models over the whole line: the shift lead's formulas and figures, takt, the line board
paced by takt and the daily trend. They read every concern and write nothing.
"""
