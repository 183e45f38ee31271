"""The secure portal: clinical detail leaves as an expiring, verified link, never as SMS text.

``issue`` (the handler's PORTAL step), ``service`` (links and verification), ``vault`` (sealed
originals), ``routes`` + ``pages`` (the reader's side), ``notice`` (the SMS wording),
``delivery`` (one-time codes through the sender's own provider account).
"""
