"""Use cases of the trial (enrol participant, release lot, record exam, …).

The CLI and the web app call these; only these talk to the store. Each use case runs in
one transaction and raises a :class:`~regencord.services.errors.ServiceError` on bad input.
"""
