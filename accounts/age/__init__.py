"""Age verification around the core in ``accounts`` (model ``AgeVerification``,
service ``accounts.services.age_verify``, selector ``accounts.selectors.mature_allowed``).

Here: the caller's status (``selectors``), the API (``api``) and the page
(``views``, ``forms``) that attest through the same service, and the audited
moderator actions (``moderation`` for the services, ``admin`` for the user
admin's actions and the read-only views of a player's state).
"""
