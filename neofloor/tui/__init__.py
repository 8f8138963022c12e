"""The floor terminal: a Textual app over the services (never over the store directly).

Nothing here builds SQL or enforces a plant rule: screens ask the services, in
thread workers, and show what they answer.
"""
