"""Use cases: enrol participants, record their eligibility, move them through the trial.

Participants are pseudonymous: a study id, age at injury and sex; no names, birth dates
or contact data are stored anywhere. Status follows

    screening → enrolled → transplanted → completed,   and any status → withdrawn (final)

``screening → enrolled`` needs a consent date and every recorded eligibility criterion
met; ``enrolled → transplanted`` is done by the transplant use case through
:func:`mark_transplanted`; withdrawal needs a reason. A status change is a step of the
trial, so it needs no reason of its own (the audit trail then records the transition as
the reason); every other change of a saved value does.

The package: :mod:`.inputs` (a participant as entered), :mod:`.views` (what the use cases
return), :mod:`.records` (finding, enrolling, correcting, eligibility), :mod:`.status`
(the status machine). Its names are imported from here.
"""

from __future__ import annotations

from regencord.services.participants.inputs import (
    EDITABLE,
    STUDY_ID_PATTERN,
    EligibilityInput,
    ParticipantInput,
    ReasonInput,
    StudyId,
    VertebralLevel,
    level_index,
    vertebral_level,
)
from regencord.services.participants.records import (
    enrol,
    find_participant,
    find_site,
    list_participants,
    participant_label,
    participant_values,
    record_eligibility,
    show_participant,
    update_participant,
)
from regencord.services.participants.status import (
    TRANSITIONS,
    change_status,
    mark_transplanted,
    transition_text,
    withdraw,
)
from regencord.services.participants.views import (
    EligibilityEntry,
    ParticipantView,
    StatusChangeEntry,
    participant_view,
    status_history,
)

__all__ = [
    "EDITABLE",
    "STUDY_ID_PATTERN",
    "TRANSITIONS",
    "EligibilityEntry",
    "EligibilityInput",
    "ParticipantInput",
    "ParticipantView",
    "ReasonInput",
    "StatusChangeEntry",
    "StudyId",
    "VertebralLevel",
    "change_status",
    "enrol",
    "find_participant",
    "find_site",
    "level_index",
    "list_participants",
    "mark_transplanted",
    "participant_label",
    "participant_values",
    "participant_view",
    "record_eligibility",
    "show_participant",
    "status_history",
    "transition_text",
    "update_participant",
    "vertebral_level",
    "withdraw",
]
