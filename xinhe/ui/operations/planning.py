"""The case's clocks and follow-ups, recorded from the case view's small forms: a follow-up
scheduled, a protection order applied for and decided, a police warning letter, a minor
reported to the police. Each takes the services and the form's values (SimpleForm.run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinhe.ui.operations import FormValues

if TYPE_CHECKING:
    from xinhe.records.planning import Clock, FollowUp
    from xinhe.records.services import Services


def schedule_followup(services: Services, values: FormValues, *, case_id: int) -> FollowUp:
    """A routine follow-up `due` then, by the planned `method`."""
    return services.planning.schedule_followup(case_id, values["due"], "routine",
                                               values["method"])


def protection_order_applied(services: Services, values: FormValues, *,
                             case_id: int) -> Clock:
    """The application filed `at` a `court` (`urgent`: decided within 24 hours)."""
    return services.planning.protection_order_applied(case_id, values["at"], values["urgent"],
                                                      values["court"])


def protection_order_decided(services: Services, values: FormValues, *,
                             case_id: int) -> Clock | None:
    """The court decided `at`; a `granted` order runs until `expires`."""
    granted = values["granted"]
    return services.planning.protection_order_decided(
        case_id, values["at"], granted, values["expires"] if granted else None)


def warning_letter_issued(services: Services, values: FormValues, *, case_id: int) -> Clock:
    """The police issued a warning letter `at` (a follow-up visit within 7 days)."""
    return services.planning.warning_letter_issued(case_id, values["at"])


def minor_reported(services: Services, values: FormValues, *, case_id: int) -> None:
    """A minor at risk was reported to the police `at`, by `reporter`, as `reference`."""
    services.planning.minor_reported(case_id, values["at"], values["reporter"],
                                     values["reference"])
