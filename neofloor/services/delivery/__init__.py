"""The second half of a car's life: key components by serial, the finished-car yard, the
pre-delivery inspection and the handover to the customer (cash or a financing partner).

``components`` (serials captured at stations, replacements, look-ups by serial),
``yard`` (spots, the yard list), ``pdi`` (the checklist, item results, PDI status),
``handover`` (readiness and the delivery itself) and ``stations`` (the yard and delivery
stations they act at). Who may act is the people services' table (``people.permissions``),
and every write records its audit row. Imports nothing here, so loading one module does not
load the rest.
"""
