"""Default weights from assessment signals to curriculum tracks (docs/domain.md §6, a proposal).

Administrators with the right permission change these in ProfileRules; this module
only provides the shipped starting point. Psychoticism maps to no track: counsellor only.
"""

DEFAULT_SIGNAL_TRACKS = {
    "somatization": {"stress_resilience": 1.0, "popular_science": 0.5},
    "obsessive": {"stress_resilience": 1.0},
    "interpersonal": {"communication": 1.0},
    "depression": {"popular_science": 1.0, "stress_resilience": 0.5},
    "anxiety": {"stress_resilience": 1.0, "communication": 0.5},
    "hostility": {"communication": 1.0, "political_ethics": 0.5},
    "phobic": {"popular_science": 0.5},
    "paranoid": {"political_ethics": 1.0, "communication": 0.5},
    "psychoticism": {},
    "other": {"stress_resilience": 0.8},
    "stress_work": {"stress_resilience": 1.0},
    "stress_promotion": {"political_ethics": 1.0},
    "stress_interpersonal": {"communication": 1.0},
    "stress_self_demand": {"stress_resilience": 0.8},
    "stress_moral": {"political_ethics": 1.0},
    "stress_family": {"women_dual_pressure": 1.0},
}
