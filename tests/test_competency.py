"""Competency questions: every named query in graph/queries/ gives the answers the five articles support.

Each query runs on the project's own inputs with its example parameters (and with others), and its rows
are compared, as sets, with answers written from reading the articles: IRIs in their compact form,
numbers as numbers, other literals by their text, an unbound variable as None.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.catalogue import QUERIES_DIR, NamedQuery, catalogue
from graph.namespaces import PREFIXES
from graph.query import bind, compact, run

Cell = str | Decimal | None
Row = tuple[Cell, ...]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = frozenset(_XSD + t for t in ("decimal", "integer", "int", "long", "double", "float",
                                        "nonNegativeInteger", "positiveInteger"))


@dataclass(frozen=True)
class Case:
    """The rows a named query must give, read on some of its columns, for some parameter values."""

    columns: tuple[str, ...]
    rows: frozenset[Row]
    params: Mapping[str, str] = field(default_factory=dict)


def case(columns: str, rows: Iterable[tuple[object, ...]], **params: str) -> Case:
    """Expected rows on the space-separated columns; parameters not given take the query's example."""
    return Case(tuple(columns.split()), frozenset(tuple(_expected(v) for v in row) for row in rows), params)


def _expected(value: object) -> Cell:
    if isinstance(value, bool | float):
        raise TypeError(f"write {value!r} as a string or a Decimal, not a {type(value).__name__}")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"unexpected expected value {value!r}")


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Cell:
    if isinstance(term, ox.Literal):
        return Decimal(term.value) if term.datatype.value in _NUMBERS else term.value
    return None if term is None else compact(term)


F000, F001, F002, F003, F004 = ("000_d8733fc31d127914.txt", "001_076c606e338a89e8.txt", "002_4e736277b85c3eee.txt",
                                "003_edde3cb67484f8ea.txt", "004_fdba76f455c76230.txt")
CONSULATES = ("igr:consulate-general-japan", "igr:consulate-general-south-korea", "igr:consulate-general-united-states")
COUNTRIES = ("igr:japan", "igr:south-korea", "igr:united-states")
HCMC = "igr:ho-chi-minh-city"
CONSULS_MEETING = "igr:event-c4ir-hcmc-consuls-general-meeting"
MAYORS = "igr:event-mayors-conference-2024"
SE_CONFERENCE = "igr:event-southeast-science-technology-conference-2023"
SE_SIGNING = "igr:event-southeast-technology-exchange-agreement-signing-2023"
MOST_SESSION = "igr:event-most-minister-shtp-working-session"
INDUSTRIAL = "igr:programme-hcmc-industrial-development"
MECHANICAL = "igr:programme-hcmc-mechanical-automation-2020-2030"
TRAINING = "igr:proposal-training-cooperation-framework"

# What each party is a party to, with C4IR HCMC (article 004): the four proposals, the commitment, three goals.
C4IR_PARTNERS: dict[str, tuple[str, ...]] = {
    "igr:proposal-international-technology-exchange": (*CONSULATES, *COUNTRIES, "igr:vietnam"),
    "igr:proposal-startups-student-exchange": (*CONSULATES, *COUNTRIES),
    "igr:proposal-sustainable-supply-chain-coordination": (*CONSULATES, *COUNTRIES),
    TRAINING: (*CONSULATES, *COUNTRIES),
    "igr:commitment-c4ir-hcmc-convey-requests": (*CONSULATES, HCMC),
    "igr:goal-c4ir-hcmc-mission": (HCMC, "igr:wef-c4ir-network"),
    "igr:goal-hcmc-cooperation-united-states-japan-korea": (*COUNTRIES, HCMC),
    "igr:goal-c4ir-hcmc-attract-investors": (*COUNTRIES, HCMC),
}

# The facts each article gives, by kind (counted from the articles' statements as curated in graph/data).
FACTS_PER_DOCUMENT: dict[str, dict[str, int]] = {
    F000: {"qb:Observation": 14, "ig:Participation": 4, "org:Membership": 3, "ig:Cooperation": 2, "ig:Goal": 2,
           "ig:SectorFocus": 2, "schema:Event": 1, "ig:Commitment": 1, "ig:Scheme": 1},
    F001: {"qb:Observation": 5, "ig:Participation": 4, "schema:Event": 2, "ig:Goal": 2, "ig:SectorFocus": 2,
           "org:Membership": 1, "ig:Agreement": 1},
    F002: {"ig:Pillar": 6, "qb:Observation": 4, "ig:Programme": 3, "ig:SectorFocus": 3, "ig:Goal": 2, "ig:Scheme": 1},
    F003: {"ig:Participation": 8, "org:Membership": 4, "qb:Observation": 3, "ig:Recommendation": 3, "schema:Event": 2,
           "ig:Goal": 1, "ig:Programme": 1, "ig:SectorFocus": 1, "ig:TradeAgreement": 1},
    F004: {"ig:Participation": 5, "qb:Observation": 4, "ig:Proposal": 4, "org:Post": 3, "ig:Goal": 3, "ig:Request": 2,
           "org:Membership": 1, "schema:Event": 1, "ig:Commitment": 1, "ig:SectorFocus": 1},
}

EXPECTED: dict[str, list[Case]] = {
    # Figures and growth
    "area_figures": [
        case("indicator value unit status growthRate comparedWith", [
            ("indicator:high-tech-production-value", 20_050_000_000, "unit:usd", "obsstatus:estimated", Decimal("18.3"), "2023"),
            ("indicator:high-tech-export-value", 19_200_000_000, "unit:usd", "obsstatus:estimated", Decimal("13.3"), "2023"),
            ("indicator:import-value", 17_030_000_000, "unit:usd", "obsstatus:estimated", Decimal("16.1"), "2023"),
        ]),
        case("indicator value unit status growthRate", [
            ("indicator:gdp-per-capita", 6770, "unit:usd-per-capita", "obsstatus:reported", None),
        ], area=HCMC, year="2022"),
        case("indicator value unit", [
            ("indicator:gdp-per-capita", 6900, "unit:usd-per-capita"),
            ("indicator:share-of-national-gdp", Decimal("30.8"), "unit:percent"),
        ], area="igr:southeast-region", year="2022"),
        case("indicator", [], year="2023"),  # 2023 is only the base of the growth rates; its values are not given
    ],
    "zone_export-share": [
        case("production export unit sharePercent", [(20_050_000_000, 19_200_000_000, "unit:usd", Decimal("95.8"))]),
    ],
    "indicator_values": [
        case("area period value unit status file", [
            ("igr:vietnam", "2022", 4110, "unit:usd-per-capita", "obsstatus:reported", F001),
            ("igr:southeast-region", "2022", 6900, "unit:usd-per-capita", "obsstatus:reported", F001),
            ("igr:binh-duong", "2022", 7139, "unit:usd-per-capita", "obsstatus:reported", F001),
            (HCMC, "2022", 6770, "unit:usd-per-capita", "obsstatus:reported", F001),
        ]),
        case("area period value unit status qualifier deadline file", [
            (HCMC, None, 23, "unit:percent", "obsstatus:reported", "qualifier:approximately", None, F003),
            (HCMC, None, 40, "unit:percent", "obsstatus:target", None, "2030", F003),
        ], indicator="indicator:high-tech-industry-share-of-gdp"),
    ],
    "figure_targets": [
        case("target indicator value unit qualifier area subject periodStart periodEnd deadline file", [
            ("igr:obs-hcmc-high-tech-industry-share-of-gdp-target-2030", "indicator:high-tech-industry-share-of-gdp",
             40, "unit:percent", None, HCMC, None, None, None, "2030", F003),
            ("igr:obs-c4ir-hcmc-target-engineers-2025-2026", "indicator:engineers-trained",
             1000, "unit:count", None, HCMC, TRAINING, "2025", "2026", "2026", F004),
            ("igr:obs-c4ir-hcmc-target-smes-supported-in-ai", "indicator:smes-supported-in-ai",
             50, "unit:percent", "qualifier:at-least", HCMC, TRAINING, None, None, None, F004),
            ("igr:obs-c4ir-hcmc-target-investors-per-country", "indicator:investors-attracted-per-country",
             2, "unit:count", "qualifier:at-least", HCMC, "igr:goal-c4ir-hcmc-attract-investors", None, None, None, F004),
        ]),
    ],
    "figure_estimates": [
        case("figure value unit period evidence file", [
            ("igr:obs-shtp-high-tech-production-value-2024", 20_050_000_000, "unit:usd", "2024", "igr:ev-000-33-125", F000),
            ("igr:obs-shtp-high-tech-production-value-2024", 20_050_000_000, "unit:usd", "2024", "igr:ev-000-141-308", F000),
            ("igr:obs-shtp-high-tech-production-value-growth-2024", Decimal("18.3"), "unit:percent", "2024", "igr:ev-000-141-308", F000),
            ("igr:obs-shtp-high-tech-export-value-2024", 19_200_000_000, "unit:usd", "2024", "igr:ev-000-33-125", F000),
            ("igr:obs-shtp-high-tech-export-value-2024", 19_200_000_000, "unit:usd", "2024", "igr:ev-000-313-427", F000),
            ("igr:obs-shtp-high-tech-export-value-2024", 19_200_000_000, "unit:usd", "2024", "igr:ev-000-429-543", F000),
            ("igr:obs-shtp-high-tech-export-value-2024", 19_200_000_000, "unit:usd", "2024", "igr:ev-000-556-652", F000),
            ("igr:obs-shtp-high-tech-export-value-growth-2024", Decimal("13.3"), "unit:percent", "2024", "igr:ev-000-556-652", F000),
            ("igr:obs-shtp-high-tech-export-value-growth-2024", Decimal("13.3"), "unit:percent", "2024", "igr:ev-000-141-308", F000),
            ("igr:obs-shtp-import-value-2024", 17_030_000_000, "unit:usd", "2024", "igr:ev-000-654-719", F000),
            ("igr:obs-shtp-import-value-2024", 17_030_000_000, "unit:usd", "2024", "igr:ev-000-141-308", F000),
            ("igr:obs-shtp-import-value-growth-2024", Decimal("16.1"), "unit:percent", "2024", "igr:ev-000-654-719", F000),
            ("igr:obs-shtp-import-value-growth-2024", Decimal("16.1"), "unit:percent", "2024", "igr:ev-000-141-308", F000),
        ]),
    ],
    "figure_growth-rates": [
        case("growth rate unit period comparedWith status of ofValue ofArea", [
            ("igr:obs-shtp-high-tech-production-value-growth-2024", Decimal("18.3"), "unit:percent", "2024", "2023",
             "obsstatus:estimated", "igr:obs-shtp-high-tech-production-value-2024", 20_050_000_000, "igr:shtp"),
            ("igr:obs-shtp-high-tech-export-value-growth-2024", Decimal("13.3"), "unit:percent", "2024", "2023",
             "obsstatus:estimated", "igr:obs-shtp-high-tech-export-value-2024", 19_200_000_000, "igr:shtp"),
            ("igr:obs-shtp-import-value-growth-2024", Decimal("16.1"), "unit:percent", "2024", "2023",
             "obsstatus:estimated", "igr:obs-shtp-import-value-2024", 17_030_000_000, "igr:shtp"),
        ]),
    ],
    "figure_qualified": [
        case("figure value unit qualifier status", [
            ("igr:obs-hcmc-high-tech-industry-share-of-gdp", 23, "unit:percent", "qualifier:approximately", "obsstatus:reported"),
            ("igr:obs-c4ir-hcmc-target-investors-per-country", 2, "unit:count", "qualifier:at-least", "obsstatus:target"),
            ("igr:obs-c4ir-hcmc-target-smes-supported-in-ai", 50, "unit:percent", "qualifier:at-least", "obsstatus:target"),
        ]),
    ],
    "subject_figures": [
        case("indicator value unit status", [
            ("indicator:investment-certificates-issued", 4, "unit:count", "obsstatus:reported"),
            ("indicator:foreign-projects-certified", 3, "unit:count", "obsstatus:reported"),
        ]),
        case("indicator value unit", [
            ("indicator:safety-training-classes", 114, "unit:count"),
            ("indicator:technical-training-classes", 7, "unit:count"),
            ("indicator:learners-trained", 261, "unit:count"),
        ], subject="igr:shtp"),
        case("indicator value unit rankScope", [  # labels and texts are Vietnamese unless English is asked for
            ("indicator:rank", 2, "unit:ordinal-rank",
             "các Trung tâm C4IR của Đông Nam Á tham gia mạng lưới C4IR toàn cầu của Diễn đàn Kinh tế Thế giới"),
        ], subject="igr:c4ir-hcmc"),
        case("indicator value unit rankScope", [
            ("indicator:rank", 2, "unit:ordinal-rank",
             "Southeast Asian C4IR centres joining the World Economic Forum's global C4IR network"),
        ], subject="igr:c4ir-hcmc", lang="en"),
        case("indicator value", [("indicator:regular-task-groups", 9), ("indicator:schemes", 4)], subject=MECHANICAL),
        case("indicator value", [("indicator:pillars", 4), ("indicator:key-industries", 4)], subject=INDUSTRIAL),
        case("indicator value", [("indicator:partner-localities-attending", 37)], subject=MAYORS),
        case("indicator value", [("indicator:c4ir-centres-worldwide", 24)], subject="igr:wef-c4ir-network"),
    ],
    # People and posts
    "person_posts": [
        case("role organisation attestedOn month day file", [
            ("role:chair-peoples-committee", "igr:hcmc-peoples-committee", "2024-09-24", None, None, F003)]),
        case("role organisation attestedOn month day file", [  # "Ngày 14/4": day and month, no year
            ("role:director", "igr:c4ir-hcmc", None, "--04", "---14", F004)], person="igr:le-truong-duy"),
        case("role organisation attestedOn file", [
            ("role:minister", "igr:most", "2024-12-28", F000)], person="igr:huynh-thanh-dat"),
    ],
    "organisation_post-holders": [
        case("role holder attestedOn", [("role:head-of-management-board", "igr:nguyen-ky-phung", "2024-12-28")]),
        case("role holder attestedOn", [("role:consul-general", None, None)], organisation="igr:consulate-general-japan"),
        case("role holder attestedOn", [("role:network-member", "igr:c4ir-hcmc", "2024-12-28")],
             organisation="igr:wef-c4ir-network"),
    ],
    "post_holders": [
        case("person role organisation attestedOn month day", [
            ("igr:huynh-thanh-dat", "role:minister", "igr:most", "2024-12-28", None, None),
            ("igr:nguyen-ky-phung", "role:head-of-management-board", "igr:shtp-board", "2024-12-28", None, None),
            ("igr:nguyen-loc-ha", "role:vice-chair-peoples-committee", "igr:binh-duong-peoples-committee", "2023-11-17", None, None),
            ("igr:phan-van-mai", "role:chair-peoples-committee", "igr:hcmc-peoples-committee", "2024-09-24", None, None),
            ("igr:stefano-lo-russo", "role:mayor", "igr:torino-municipality", "2024-09-24", None, None),
            ("igr:ricardo-valente", "role:deputy-mayor", "igr:porto-municipality", "2024-09-24", None, None),
            ("igr:mark-chandler", "role:director-international-trade", "igr:san-francisco-mayors-office", "2024-09-24", None, None),
            ("igr:le-truong-duy", "role:director", "igr:c4ir-hcmc", None, "--04", "---14"),
        ]),
    ],
    "post_vacant": [
        case("post role organisation file", [
            ("igr:post-consul-general-united-states-hcmc", "role:consul-general", "igr:consulate-general-united-states", F004),
            ("igr:post-consul-general-japan-hcmc", "role:consul-general", "igr:consulate-general-japan", F004),
            ("igr:post-consul-general-south-korea-hcmc", "role:consul-general", "igr:consulate-general-south-korea", F004),
        ]),
    ],
    # Events and dates
    "event_dates": [
        case("event date year month day place superEvent edition", [
            (MOST_SESSION, None, None, None, None, None, None, None),
            (SE_CONFERENCE, "2023-11-17", None, None, None, "igr:binh-duong-convention-centre", None, 16),
            (SE_SIGNING, "2023-11-17", None, None, None, "igr:binh-duong-convention-centre", SE_CONFERENCE, None),
            ("igr:event-hcmc-friendship-dialogue-2024", None, "2024", None, None, HCMC, None, 2),
            (MAYORS, "2024-09-24", None, None, None, HCMC, "igr:event-hcmc-friendship-dialogue-2024", None),
            (CONSULS_MEETING, None, None, "--04", "---14", HCMC, None, None),
        ]),
    ],
    "event_partial-dates": [
        case("event year month day inferredYear", [
            (CONSULS_MEETING, None, "--04", "---14", "2025"),  # the article gives 14/4 only; 2025 is the curators' reading
            ("igr:event-hcmc-friendship-dialogue-2024", "2024", None, None, None),
            (MOST_SESSION, None, None, None, "2024"),  # "mới đây" in an article of 28 December 2024
        ]),
    ],
    "event_participants": [
        case("participant role", [
            ("igr:c4ir-hcmc", "eventrole:host"), *((c, "eventrole:delegate") for c in CONSULATES),
            ("igr:le-truong-duy", "eventrole:speaker"),
        ]),
        case("participant role", [
            (HCMC, "eventrole:host"), ("igr:phan-van-mai", "eventrole:speaker"),
            ("igr:stefano-lo-russo", "eventrole:speaker"), ("igr:ricardo-valente", "eventrole:speaker"),
            ("igr:mark-chandler", "eventrole:speaker"), ("igr:torino", "eventrole:delegate"),
            ("igr:porto", "eventrole:delegate"), ("igr:san-francisco", "eventrole:delegate"),
        ], event=MAYORS),
        case("participant role", [
            ("igr:most", "eventrole:organiser"), ("igr:binh-duong-peoples-committee", "eventrole:organiser"),
            ("igr:nguyen-loc-ha", "eventrole:speaker"),
        ], event=SE_CONFERENCE),
    ],
    "event_sub-events": [
        case("event superEvent date place", [
            (SE_SIGNING, SE_CONFERENCE, "2023-11-17", "igr:binh-duong-convention-centre"),
            (MAYORS, "igr:event-hcmc-friendship-dialogue-2024", "2024-09-24", HCMC),
        ]),
    ],
    "event_outcomes": [
        case("relationship kind initiator status at", [
            ("igr:goal-hcmc-industrial-transformation", "ig:Goal", HCMC, "status:planned", MAYORS),
            ("igr:recommendation-torino-public-private-innovation", "ig:Recommendation", "igr:torino", "status:recommended", MAYORS),
            ("igr:recommendation-porto-public-private-finance", "ig:Recommendation", "igr:porto", "status:recommended", MAYORS),
            ("igr:recommendation-san-francisco-skills-infrastructure", "ig:Recommendation", "igr:san-francisco",
             "status:recommended", MAYORS),
        ]),
        case("relationship initiator status", [
            ("igr:goal-hcmc-cooperation-united-states-japan-korea", HCMC, "status:aspired"),
            ("igr:goal-c4ir-hcmc-attract-investors", "igr:c4ir-hcmc", "status:aspired"),
            ("igr:proposal-international-technology-exchange", "igr:c4ir-hcmc", "status:proposed"),
            ("igr:proposal-sustainable-supply-chain-coordination", "igr:c4ir-hcmc", "status:proposed"),
            (TRAINING, "igr:c4ir-hcmc", "status:proposed"),
            ("igr:proposal-startups-student-exchange", "igr:c4ir-hcmc", "status:proposed"),
            *(("igr:request-consulates-investment-environment", c, "status:requested") for c in CONSULATES),
            *(("igr:request-consulates-skills-power-telecoms", c, "status:requested") for c in CONSULATES),
            ("igr:commitment-c4ir-hcmc-convey-requests", "igr:c4ir-hcmc", "status:committed"),
        ], event=CONSULS_MEETING),
        case("relationship kind initiator status at", [  # the agreement was signed at the conference's signing ceremony
            ("igr:agreement-southeast-technology-exchange-data-sharing-2023", "ig:Agreement", None, "status:signed", SE_SIGNING),
            ("igr:goal-binh-duong-green-growth-breakthrough", "ig:Goal", "igr:binh-duong", "status:planned", SE_CONFERENCE),
            ("igr:goal-binh-duong-regional-cooperation", "ig:Goal", "igr:binh-duong", "status:aspired", SE_CONFERENCE),
        ], event=SE_CONFERENCE),
    ],
    "actor_events": [
        case("event role date", [
            (MOST_SESSION, "eventrole:delegate", None), (SE_CONFERENCE, "eventrole:organiser", "2023-11-17")]),
        case("event role date month day", [(CONSULS_MEETING, "eventrole:speaker", None, "--04", "---14")],
             participant="igr:le-truong-duy"),
        case("event role", [(MOST_SESSION, "eventrole:speaker")], participant="igr:huynh-thanh-dat"),
    ],
    "event_speakers": [
        case("event speaker role organisation", [
            (MOST_SESSION, "igr:huynh-thanh-dat", "role:minister", "igr:most"),
            (MOST_SESSION, "igr:nguyen-ky-phung", "role:head-of-management-board", "igr:shtp-board"),
            (SE_CONFERENCE, "igr:nguyen-loc-ha", "role:vice-chair-peoples-committee", "igr:binh-duong-peoples-committee"),
            (MAYORS, "igr:phan-van-mai", "role:chair-peoples-committee", "igr:hcmc-peoples-committee"),
            (MAYORS, "igr:stefano-lo-russo", "role:mayor", "igr:torino-municipality"),
            (MAYORS, "igr:ricardo-valente", "role:deputy-mayor", "igr:porto-municipality"),
            (MAYORS, "igr:mark-chandler", "role:director-international-trade", "igr:san-francisco-mayors-office"),
            (CONSULS_MEETING, "igr:le-truong-duy", "role:director", "igr:c4ir-hcmc"),
        ]),
    ],
    "actor_met": [
        case("event other otherRole", [
            *((CONSULS_MEETING, c, "eventrole:delegate") for c in CONSULATES),
            (CONSULS_MEETING, "igr:le-truong-duy", "eventrole:speaker"),
        ]),
        case("event other otherRole", [
            (MOST_SESSION, "igr:shtp-board", "eventrole:host"),
            (MOST_SESSION, "igr:huynh-thanh-dat", "eventrole:speaker"),
            (MOST_SESSION, "igr:nguyen-ky-phung", "eventrole:speaker"),
            (SE_CONFERENCE, "igr:binh-duong-peoples-committee", "eventrole:organiser"),
            (SE_CONFERENCE, "igr:nguyen-loc-ha", "eventrole:speaker"),
        ], actor="igr:most"),
    ],
    # Partnerships, proposals, requests, recommendations, commitments
    "actor_partners": [
        case("partner fact", [(partner, fact) for fact, partners in C4IR_PARTNERS.items() for partner in partners]),
        case("partner fact kind status", [
            *((p, "igr:cooperation-c4ir-establishment-scheme-2024", "ig:Cooperation", "status:completed")
              for p in ("igr:hcmc-department-of-foreign-affairs", "igr:hcmc-department-of-science-and-technology",
                        "igr:itpc", "igr:c4ir-scheme-working-group")),
            ("igr:most", "igr:commitment-most-support-shtp", "ig:Commitment", "status:committed"),
        ], actor="igr:shtp"),
    ],
    "relationship_parties": [
        case("party position", [
            ("igr:c4ir-hcmc", "ig:initiator"), *((c, "ig:addressee") for c in CONSULATES),
            *((c, "ig:party") for c in (*COUNTRIES, "igr:vietnam")),
        ]),
        case("party position", [*((c, "ig:initiator") for c in CONSULATES), (HCMC, "ig:addressee")],
             relationship="igr:request-consulates-skills-power-telecoms"),
    ],
    "actor_relationships": [
        case("position relationship kind status", [
            ("ig:initiator", "igr:goal-hcmc-industrial-infrastructure", "ig:Goal", "status:ongoing"),
            ("ig:initiator", "igr:goal-hcmc-new-industrial-parks-and-restructuring", "ig:Goal", "status:planned"),
            ("ig:initiator", "igr:goal-hcmc-industrial-transformation", "ig:Goal", "status:planned"),
            ("ig:initiator", "igr:goal-hcmc-cooperation-united-states-japan-korea", "ig:Goal", "status:aspired"),
            ("ig:addressee", "igr:recommendation-torino-public-private-innovation", "ig:Recommendation", "status:recommended"),
            ("ig:addressee", "igr:recommendation-porto-public-private-finance", "ig:Recommendation", "status:recommended"),
            ("ig:addressee", "igr:recommendation-san-francisco-skills-infrastructure", "ig:Recommendation", "status:recommended"),
            ("ig:addressee", "igr:request-consulates-investment-environment", "ig:Request", "status:requested"),
            ("ig:addressee", "igr:request-consulates-skills-power-telecoms", "ig:Request", "status:requested"),
        ]),
        case("position relationship", [("ig:initiator", "igr:commitment-most-support-shtp")], actor="igr:most"),
    ],
    "agreement_signed": [
        case("agreement party inferredMember date event", [
            ("igr:agreement-southeast-technology-exchange-data-sharing-2023",
             "igr:southeast-departments-of-science-and-technology", f"igr:{province}-department-of-science-and-technology",
             "2023-11-17", SE_SIGNING)
            for province in ("hcmc", "binh-duong", "dong-nai", "ba-ria-vung-tau", "tay-ninh", "binh-phuoc")
        ]),
    ],
    "relationship_kind": [
        case("relationship initiator addressee status event", [
            (p, "igr:c4ir-hcmc", c, "status:proposed", CONSULS_MEETING)
            for p in ("igr:proposal-international-technology-exchange", "igr:proposal-sustainable-supply-chain-coordination",
                      TRAINING, "igr:proposal-startups-student-exchange")
            for c in CONSULATES
        ]),
        case("relationship initiator addressee", [
            (r, c, HCMC) for r in ("igr:request-consulates-investment-environment",
                                   "igr:request-consulates-skills-power-telecoms") for c in CONSULATES
        ], kind="ig:Request"),
        case("relationship initiator addressee event", [
            ("igr:recommendation-torino-public-private-innovation", "igr:torino", HCMC, MAYORS),
            ("igr:recommendation-porto-public-private-finance", "igr:porto", HCMC, MAYORS),
            ("igr:recommendation-san-francisco-skills-infrastructure", "igr:san-francisco", HCMC, MAYORS),
        ], kind="ig:Recommendation"),
        case("relationship initiator addressee status event", [
            ("igr:commitment-most-support-shtp", "igr:most", "igr:shtp", "status:committed", MOST_SESSION),
            *(("igr:commitment-c4ir-hcmc-convey-requests", "igr:c4ir-hcmc", c, "status:committed", CONSULS_MEETING)
              for c in CONSULATES),
        ], kind="ig:Commitment"),
        case("relationship", [(r,) for r in (
            "igr:commitment-most-support-shtp", "igr:cooperation-c4ir-establishment-scheme-2024",
            "igr:cooperation-shtp-experts-mems-new-materials", "igr:goal-shtp-board-management-reform",
            "igr:goal-shtp-global-smart-innovation-hub",
            "igr:agreement-southeast-technology-exchange-data-sharing-2023", "igr:goal-binh-duong-green-growth-breakthrough",
            "igr:goal-binh-duong-regional-cooperation",
            "igr:goal-hcmc-industrial-infrastructure", "igr:goal-hcmc-new-industrial-parks-and-restructuring",
            "igr:goal-hcmc-industrial-transformation", "igr:recommendation-porto-public-private-finance",
            "igr:recommendation-san-francisco-skills-infrastructure", "igr:recommendation-torino-public-private-innovation",
            "igr:commitment-c4ir-hcmc-convey-requests", "igr:goal-c4ir-hcmc-mission",
            "igr:goal-hcmc-cooperation-united-states-japan-korea", "igr:goal-c4ir-hcmc-attract-investors",
            "igr:proposal-international-technology-exchange", "igr:proposal-startups-student-exchange",
            "igr:proposal-sustainable-supply-chain-coordination", TRAINING,
            "igr:request-consulates-investment-environment", "igr:request-consulates-skills-power-telecoms")],
            kind="ig:Relationship"),
    ],
    "status_facts": [
        case("fact kind", [(p, "ig:Proposal") for p in (
            "igr:proposal-international-technology-exchange", "igr:proposal-sustainable-supply-chain-coordination",
            TRAINING, "igr:proposal-startups-student-exchange")]),
        case("fact kind", [
            ("igr:cooperation-shtp-experts-mems-new-materials", "ig:Cooperation"),
            ("igr:goal-hcmc-industrial-infrastructure", "ig:Goal"), ("igr:goal-c4ir-hcmc-mission", "ig:Goal"),
            (MECHANICAL, "ig:Programme"), (INDUSTRIAL, "ig:Programme"),
            ("igr:programme-resolution-31-nq-tw", "ig:Programme"),
            ("igr:programme-hcmc-dual-green-digital-transformation", "ig:Programme"),
            ("igr:pillar-mechanical-automation-regular-task-groups", "ig:Pillar"),
            ("igr:pillar-mechanical-automation-schemes", "ig:Pillar"),
        ], status="status:ongoing"),
        case("fact kind", [("igr:cooperation-c4ir-establishment-scheme-2024", "ig:Cooperation"),
                           ("igr:scheme-c4ir-establishment", "ig:Scheme")], status="status:completed"),
        case("fact kind", [
            ("igr:goal-shtp-global-smart-innovation-hub", "ig:Goal"), ("igr:goal-shtp-board-management-reform", "ig:Goal"),
            ("igr:goal-binh-duong-green-growth-breakthrough", "ig:Goal"),
            ("igr:goal-hcmc-new-industrial-parks-and-restructuring", "ig:Goal"),
            ("igr:goal-hcmc-industrial-transformation", "ig:Goal"),
            ("igr:scheme-supporting-industry-high-tech-park", "ig:Scheme"),
        ], status="status:planned"),
    ],
    # Programmes, schemes, pillars
    "programme_list": [
        case("programme kind responsible periodStart periodEnd implements status", [
            (MECHANICAL, "ig:Programme", "igr:hcmc-peoples-committee", "2020", "2030", None, "status:ongoing"),
            (INDUSTRIAL, "ig:Programme", HCMC, None, None, "igr:programme-resolution-31-nq-tw", "status:ongoing"),
            ("igr:programme-resolution-31-nq-tw", "ig:Programme", "igr:politburo", None, None, None, "status:ongoing"),
            ("igr:programme-hcmc-dual-green-digital-transformation", "ig:Programme", HCMC, None, None, None, "status:ongoing"),
            ("igr:scheme-c4ir-establishment", "ig:Scheme", "igr:c4ir-scheme-working-group", None, "2024", None,
             "status:completed"),
            ("igr:scheme-supporting-industry-high-tech-park", "ig:Scheme", HCMC, None, None, None, "status:planned"),
        ]),
    ],
    "programme_pillars": [
        case("pillar sector status", [
            ("igr:pillar-hcmc-industrial-development-high-tech-industry", "sector:high-tech-industry", None),
            ("igr:pillar-hcmc-industrial-development-research-innovation", "sector:research-development", None),
            ("igr:pillar-hcmc-industrial-development-smart-manufacturing", "sector:smart-manufacturing", None),
            ("igr:pillar-hcmc-industrial-development-regional-linkage", None, None),
        ]),
        case("pillar sector status", [
            ("igr:pillar-mechanical-automation-regular-task-groups", None, "status:ongoing"),
            ("igr:pillar-mechanical-automation-schemes", None, "status:ongoing"),
        ], programme=MECHANICAL),
    ],
    "programme_parts": [
        case("part kind status", [
            ("igr:pillar-mechanical-automation-regular-task-groups", "ig:Pillar", "status:ongoing"),
            ("igr:pillar-mechanical-automation-schemes", "ig:Pillar", "status:ongoing"),
            ("igr:scheme-supporting-industry-high-tech-park", "ig:Scheme", "status:planned"),
        ]),
        case("part kind", [
            *((f"igr:pillar-hcmc-industrial-development-{p}", "ig:Pillar")
              for p in ("high-tech-industry", "research-innovation", "smart-manufacturing", "regional-linkage")),
            ("igr:goal-hcmc-industrial-infrastructure", "ig:Goal"),
            ("igr:goal-hcmc-new-industrial-parks-and-restructuring", "ig:Goal"),
            ("igr:focus-hcmc-industrial-development-in-depth", "ig:SectorFocus"),
            ("igr:focus-hcmc-priority-high-tech-industries", "ig:SectorFocus"),
        ], programme=INDUSTRIAL),
        case("part kind", [("igr:cooperation-c4ir-establishment-scheme-2024", "ig:Cooperation")],
             programme="igr:scheme-c4ir-establishment"),
    ],
    "year_periods": [
        case("thing periodStart periodEnd deadline", [
            ("igr:goal-hcmc-industrial-infrastructure", "2020", "2025", None),
            (MECHANICAL, "2020", "2030", None),
            ("igr:obs-c4ir-hcmc-target-engineers-2025-2026", "2025", "2026", "2026"),
        ]),
        case("thing", [("igr:goal-hcmc-industrial-infrastructure",), (MECHANICAL,), ("igr:scheme-c4ir-establishment",)],
             year="2024"),
        case("thing", [(MECHANICAL,), ("igr:obs-hcmc-high-tech-industry-share-of-gdp-target-2030",)], year="2030"),
        case("thing", [], year="2019"),
    ],
    # Sectors
    "sector_narrower": [
        case("narrower parent", [
            *((f"sector:{s}", "sector:high-tech-industry")
              for s in ("biotechnology", "electronics", "nanotechnology", "new-materials", "robotics", "semiconductors")),
            *((f"sector:{s}", "sector:electronics") for s in ("electronics-informatics", "mems", "smart-devices")),
            ("sector:semiconductor-chip-manufacturing", "sector:semiconductors"),
        ]),
        case("narrower parent", [("sector:semiconductor-chip-manufacturing", "sector:semiconductors")],
             sector="sector:semiconductors"),
        case("narrower", [], sector="sector:shipbuilding"),
    ],
    "sector_broader": [
        case("broader top", [("sector:semiconductors", "false"), ("sector:high-tech-industry", "true")]),
        case("broader top", [("sector:digital-technology", "true")], sector="sector:software"),
    ],
    "sector_tree": [
        case("top narrowerSectors", [
            ("sector:high-tech-industry", 10), ("sector:digital-technology", 4), ("sector:energy", 2),
            ("sector:mechanical-automation", 2),
            *((f"sector:{s}", 0) for s in (
                "advanced-manufacturing", "circular-economy", "digital-economy", "food-processing", "green-economy",
                "medical-devices", "new-technologies", "research-development", "shipbuilding", "smart-manufacturing",
                "supporting-industries")),
        ]),
    ],
    "sector_focus": [
        case("focusOf matched focus partOf", [
            ("igr:c4ir-hcmc", "sector:semiconductors", "igr:focus-c4ir-hcmc-ecosystems", None),
            (HCMC, "sector:semiconductor-chip-manufacturing", "igr:focus-hcmc-priority-high-tech-industries", INDUSTRIAL),
        ]),
        case("focusOf matched focus", [
            (HCMC, "sector:electronics", "igr:focus-hcmc-priority-high-tech-industries"),
            (HCMC, "sector:smart-devices", "igr:focus-hcmc-priority-high-tech-industries"),
            ("igr:southeast-region", "sector:electronics-informatics", "igr:focus-southeast-region-high-tech-industries"),
        ], sector="sector:electronics"),
    ],
    "sector_facts": [
        case("fact kind matched", [
            ("igr:focus-c4ir-hcmc-ecosystems", "ig:SectorFocus", "sector:semiconductors"),
            ("igr:focus-hcmc-priority-high-tech-industries", "ig:SectorFocus", "sector:semiconductor-chip-manufacturing"),
            ("igr:goal-hcmc-cooperation-united-states-japan-korea", "ig:Goal", "sector:semiconductors"),
            ("igr:goal-c4ir-hcmc-attract-investors", "ig:Goal", "sector:semiconductors"),
        ]),
        case("fact kind", [
            ("igr:commitment-most-support-shtp", "ig:Commitment"),
            ("igr:focus-shtp-contribution-to-growth", "ig:SectorFocus"),
            ("igr:agreement-southeast-technology-exchange-data-sharing-2023", "ig:Agreement"),
            ("igr:focus-southeast-region-research-follows-economy", "ig:SectorFocus"),
            ("igr:goal-binh-duong-green-growth-breakthrough", "ig:Goal"),
            ("igr:goal-binh-duong-regional-cooperation", "ig:Goal"),
            (SE_CONFERENCE, "schema:Event"),
            ("igr:pillar-hcmc-industrial-development-research-innovation", "ig:Pillar"),
            ("igr:goal-c4ir-hcmc-mission", "ig:Goal"),
            ("igr:goal-c4ir-hcmc-attract-investors", "ig:Goal"),
            ("igr:proposal-startups-student-exchange", "ig:Proposal"),
        ], sector="sector:research-development"),
    ],
    "sector_actors": [
        # Every actor tied to semiconductors: C4IR's ecosystems, HCMC's chip priority, and the two goals of article 004.
        case("actor link fact", [
            ("igr:c4ir-hcmc", "ig:focusOf", "igr:focus-c4ir-hcmc-ecosystems"),
            (HCMC, "ig:focusOf", "igr:focus-hcmc-priority-high-tech-industries"),
            (HCMC, "ig:initiator", "igr:goal-hcmc-cooperation-united-states-japan-korea"),
            ("igr:c4ir-hcmc", "ig:party", "igr:goal-hcmc-cooperation-united-states-japan-korea"),
            *((c, "ig:addressee", "igr:goal-hcmc-cooperation-united-states-japan-korea") for c in COUNTRIES),
            ("igr:c4ir-hcmc", "ig:initiator", "igr:goal-c4ir-hcmc-attract-investors"),
            (HCMC, "ig:party", "igr:goal-c4ir-hcmc-attract-investors"),
            *((c, "ig:addressee", "igr:goal-c4ir-hcmc-attract-investors") for c in COUNTRIES),
        ]),
        case("actor link fact", [
            ("igr:c4ir-hcmc", "ig:focusOf", "igr:focus-c4ir-hcmc-ecosystems"),
            (HCMC, "ig:focusOf", "igr:focus-consuls-general-hcmc-high-tech-ai"),
            ("igr:c4ir-hcmc", "ig:initiator", "igr:goal-c4ir-hcmc-attract-investors"),
            (HCMC, "ig:party", "igr:goal-c4ir-hcmc-attract-investors"),
            *((c, "ig:addressee", "igr:goal-c4ir-hcmc-attract-investors") for c in COUNTRIES),
            ("igr:c4ir-hcmc", "ig:initiator", TRAINING),
            *((c, "ig:addressee", TRAINING) for c in CONSULATES),
            *((c, "ig:party", TRAINING) for c in COUNTRIES),
            (HCMC, "sdmx-dimension:refArea", "igr:obs-c4ir-hcmc-target-smes-supported-in-ai"),
        ], sector="sector:artificial-intelligence"),
        case("actor link fact", [
            ("igr:hcmc-peoples-committee", "ig:responsible", MECHANICAL),
            (HCMC, "ig:responsible", "igr:scheme-supporting-industry-high-tech-park"),
            (HCMC, "ig:initiator", "igr:goal-hcmc-new-industrial-parks-and-restructuring"),
            (HCMC, "ig:focusOf", "igr:focus-hcmc-advanced-manufacturing"),
            ("igr:southeast-region", "ig:focusOf", "igr:focus-southeast-region-high-tech-industries"),
        ], sector="sector:mechanical-automation"),
    ],
    "sector_programmes": [
        case("programme via", [
            (MECHANICAL, MECHANICAL), (MECHANICAL, "igr:scheme-supporting-industry-high-tech-park"),
            ("igr:scheme-supporting-industry-high-tech-park", "igr:scheme-supporting-industry-high-tech-park"),
            (INDUSTRIAL, "igr:goal-hcmc-new-industrial-parks-and-restructuring"),
        ]),
        case("programme via", [
            ("igr:programme-resolution-31-nq-tw", "igr:focus-resolution-31-zone-transformation"),
            (INDUSTRIAL, "igr:pillar-hcmc-industrial-development-high-tech-industry"),
            (INDUSTRIAL, "igr:focus-hcmc-industrial-development-in-depth"),
            (INDUSTRIAL, "igr:focus-hcmc-priority-high-tech-industries"),
            (INDUSTRIAL, "igr:goal-hcmc-new-industrial-parks-and-restructuring"),
        ], sector="sector:high-tech-industry"),
        case("programme via", [(INDUSTRIAL, "igr:focus-hcmc-priority-high-tech-industries")], sector="sector:semiconductors"),
    ],
    # Curators' inferences
    "inference_list": [
        case("inference about property value", [
            ("igr:inference-most-minister-shtp-working-session-year", MOST_SESSION, "time:year", "2024"),
            ("igr:inference-shtp-board-certificates-period", "igr:obs-shtp-board-investment-certificates-issued",
             "sdmx-dimension:refPeriod", "2024"),
            ("igr:inference-shtp-board-foreign-projects-period", "igr:obs-shtp-board-foreign-projects-certified",
             "sdmx-dimension:refPeriod", "2024"),
            ("igr:inference-shtp-registered-capital-date", "igr:obs-shtp-registered-investment-capital",
             "sdmx-dimension:refPeriod", "2024-12-28"),
            ("igr:inference-shtp-valid-projects-date", "igr:obs-shtp-valid-investment-projects",
             "sdmx-dimension:refPeriod", "2024-12-28"),
            ("igr:inference-hcmc-high-tech-share-period", "igr:obs-hcmc-high-tech-industry-share-of-gdp",
             "sdmx-dimension:refPeriod", "2024"),
            ("igr:inference-c4ir-consuls-general-meeting-year", CONSULS_MEETING, "time:year", "2025"),
            *(("igr:inference-southeast-dosts-members", "igr:southeast-departments-of-science-and-technology",
               "org:hasMember", f"igr:{p}-department-of-science-and-technology")
              for p in ("hcmc", "binh-duong", "dong-nai", "ba-ria-vung-tau", "tay-ninh", "binh-phuoc")),
            *(("igr:inference-southeast-region-provinces", "igr:southeast-region", "schema:containsPlace", f"igr:{p}")
              for p in ("dong-nai", "ba-ria-vung-tau", "tay-ninh", "binh-phuoc")),
            *(("igr:inference-hcmc-partner-localities", "igr:ho-chi-minh-city", "ig:partnerLocality", f"igr:{c}")
              for c in ("torino", "porto", "san-francisco")),
        ]),
    ],
    "inference_about": [
        case("inference property value basis", [
            ("igr:inference-c4ir-consuls-general-meeting-year", "time:year", "2025", "igr:ev-004-2262-2347"),
            ("igr:inference-c4ir-consuls-general-meeting-year", "time:year", "2025",
             "igr:membership-c4ir-hcmc-wef-c4ir-network"),
        ]),
        case("property value basis", [
            ("schema:containsPlace", f"igr:{p}", "igr:ev-001-260-461")
            for p in ("dong-nai", "ba-ria-vung-tau", "tay-ninh", "binh-phuoc")
        ], node="igr:southeast-region"),
        case("property", [], node="igr:shtp"),
    ],
    # Across the documents
    "year_timeline": [
        case("thing property value inferred", [
            ("igr:doc-000", "dcterms:issued", "2024-12-28T09:52:00+07:00", "false"),
            ("igr:cooperation-c4ir-establishment-scheme-2024", "dcterms:date", "2024", "false"),
            ("igr:scheme-c4ir-establishment", "ig:periodEnd", "2024", "false"),
            *((f"igr:obs-shtp-{i}-2024", "sdmx-dimension:refPeriod", "2024", "false") for i in (
                "high-tech-production-value", "high-tech-export-value", "import-value",
                "high-tech-production-value-growth", "high-tech-export-value-growth", "import-value-growth")),
            *((f"igr:membership-{m}", "ig:attestedOn", "2024-12-28", "false")
              for m in ("huynh-thanh-dat-most", "nguyen-ky-phung-shtp-board", "c4ir-hcmc-wef-c4ir-network")),
            *((f"igr:membership-{m}", "ig:attestedOn", "2024-09-24", "false") for m in (
                "phan-van-mai-hcmc-pc", "stefano-lo-russo-torino", "ricardo-valente-porto", "mark-chandler-san-francisco")),
            (MAYORS, "schema:startDate", "2024-09-24", "false"),
            ("igr:obs-mayors-conference-2024-partner-localities", "sdmx-dimension:refPeriod", "2024-09-24", "false"),
            ("igr:event-hcmc-friendship-dialogue-2024", "time:year", "2024", "false"),
            (MOST_SESSION, "time:year", "2024", "true"),
            ("igr:obs-shtp-board-investment-certificates-issued", "sdmx-dimension:refPeriod", "2024", "true"),
            ("igr:obs-shtp-board-foreign-projects-certified", "sdmx-dimension:refPeriod", "2024", "true"),
            ("igr:obs-shtp-registered-investment-capital", "sdmx-dimension:refPeriod", "2024-12-28", "true"),
            ("igr:obs-shtp-valid-investment-projects", "sdmx-dimension:refPeriod", "2024-12-28", "true"),
            ("igr:obs-hcmc-high-tech-industry-share-of-gdp", "sdmx-dimension:refPeriod", "2024", "true"),
        ]),
        case("thing property value inferred", [
            (SE_CONFERENCE, "schema:startDate", "2023-11-17", "false"),
            (SE_SIGNING, "schema:startDate", "2023-11-17", "false"),
            ("igr:agreement-southeast-technology-exchange-data-sharing-2023", "dcterms:date", "2023-11-17", "false"),
            ("igr:membership-nguyen-loc-ha-binh-duong-pc", "ig:attestedOn", "2023-11-17", "false"),
        ], year="2023"),
        case("thing property value inferred", [
            ("igr:goal-hcmc-industrial-infrastructure", "ig:periodEnd", "2025", "false"),
            ("igr:obs-c4ir-hcmc-target-engineers-2025-2026", "ig:periodStart", "2025", "false"),
            (CONSULS_MEETING, "time:year", "2025", "true"),  # the 14/4 session: the year is the curators' reading
        ], year="2025"),
    ],
    "document_facts": [
        case("fact kind", [
            ("igr:agreement-southeast-technology-exchange-data-sharing-2023", "ig:Agreement"),
            ("igr:focus-southeast-region-high-tech-industries", "ig:SectorFocus"),
            ("igr:focus-southeast-region-research-follows-economy", "ig:SectorFocus"),
            ("igr:goal-binh-duong-green-growth-breakthrough", "ig:Goal"),
            ("igr:goal-binh-duong-regional-cooperation", "ig:Goal"),
            ("igr:membership-nguyen-loc-ha-binh-duong-pc", "org:Membership"),
            *((f"igr:obs-{a}-gdp-per-capita-2022", "qb:Observation")
              for a in ("vietnam", "southeast-region", "binh-duong", "ho-chi-minh-city")),
            ("igr:obs-southeast-region-share-of-national-gdp-2022", "qb:Observation"),
            *((f"igr:participation-{p}", "ig:Participation") for p in (
                "binh-duong-pc-southeast-conference-2023", "most-southeast-conference-2023",
                "nguyen-loc-ha-southeast-conference-2023", "southeast-dosts-signing-2023")),
            (SE_CONFERENCE, "schema:Event"), (SE_SIGNING, "schema:Event"),
        ]),
        case("fact kind", [
            *((f"igr:post-consul-general-{c}-hcmc", "org:Post") for c in ("united-states", "japan", "south-korea")),
            *((f"igr:participation-{p}", "ig:Participation") for p in (
                "c4ir-hcmc-consuls-meeting", "le-truong-duy-consuls-meeting", "consulate-general-japan-c4ir-meeting",
                "consulate-general-south-korea-c4ir-meeting", "consulate-general-united-states-c4ir-meeting")),
            ("igr:membership-le-truong-duy-c4ir-hcmc", "org:Membership"),
            ("igr:commitment-c4ir-hcmc-convey-requests", "ig:Commitment"),
            ("igr:focus-consuls-general-hcmc-high-tech-ai", "ig:SectorFocus"),
            ("igr:goal-c4ir-hcmc-mission", "ig:Goal"),
            ("igr:goal-hcmc-cooperation-united-states-japan-korea", "ig:Goal"),
            ("igr:goal-c4ir-hcmc-attract-investors", "ig:Goal"),
            *((f"igr:obs-{o}", "qb:Observation") for o in (
                "c4ir-hcmc-target-engineers-2025-2026", "c4ir-hcmc-target-investors-per-country",
                "c4ir-hcmc-target-smes-supported-in-ai", "wef-c4ir-network-centres-worldwide")),
            *((f"igr:proposal-{p}", "ig:Proposal") for p in (
                "international-technology-exchange", "startups-student-exchange",
                "sustainable-supply-chain-coordination", "training-cooperation-framework")),
            ("igr:request-consulates-investment-environment", "ig:Request"),
            ("igr:request-consulates-skills-power-telecoms", "ig:Request"),
            (CONSULS_MEETING, "schema:Event"),
        ], file=F004),
    ],
    "document_fact-counts": [
        *(case("file kind facts", [(f, kind, n) for kind, n in kinds.items()], file=f) for f, kinds in FACTS_PER_DOCUMENT.items()),
    ],
    "document_sources": [
        case("doc file creator publisher issued original originalPublisher", [
            ("igr:doc-000", F000, "Bạch Dương", "igr:vneconomy", "2024-12-28T09:52:00+07:00", None, None),
            ("igr:doc-001", F001, "PV", None, None, None, None),
            ("igr:doc-002", F002, None, None, None, "igr:doc-002-original", "igr:moi-truong-do-thi"),
            ("igr:doc-003", F003, None, None, None, "igr:doc-003-original", "igr:saigon-times"),
            ("igr:doc-003", F003, None, None, None, "igr:doc-003-vna", "igr:vietnam-news-agency"),
            ("igr:doc-004", F004, "Hải Long", None, None, None, None),
        ]),
    ],
    "label_search": [
        case("resource", [("sector:semiconductors",)]),  # "vi mạch", "vi mạch bán dẫn", "công nghệ vi mạch bán dẫn"
        case("resource", [("sector:semiconductors",), ("sector:semiconductor-chip-manufacturing",)], text="ban dan"),
        # Folding makes Nhật (Japan) and nhất (most, least) one word: both kinds of match come back.
        case("resource", [("igr:japan",), ("igr:consulate-general-japan",), ("igr:post-consul-general-japan-hcmc",),
                          ("igr:goal-hcmc-cooperation-united-states-japan-korea",),
                          ("igr:proposal-international-technology-exchange",), (CONSULS_MEETING,),
                          ("qualifier:at-least",), ("igr:goal-c4ir-hcmc-attract-investors",),
                          ("igr:commitment-c4ir-hcmc-convey-requests",)], text="nhat"),
        case("resource", [("igr:shtp",), ("igr:shtp-board",), ("igr:commitment-most-support-shtp",), (MOST_SESSION,)],
             text="khu cong nghe cao"),
        case("resource", [("igr:united-states",), ("igr:consulate-general-united-states",),
                          ("igr:post-consul-general-united-states-hcmc",),
                          ("igr:goal-hcmc-cooperation-united-states-japan-korea",),
                          ("igr:proposal-international-technology-exchange",), (CONSULS_MEETING,)], text="Hoa Ky"),
    ],
    "actor_evidence": [
        case("fact evidence file", [
            ("igr:binh-duong", "igr:ev-001-71-258", F001),
            ("igr:obs-binh-duong-gdp-per-capita-2022", "igr:ev-001-945-1002", F001),
            ("igr:obs-binh-duong-gdp-per-capita-2022", "igr:ev-001-1004-1183", F001),
            ("igr:goal-binh-duong-green-growth-breakthrough", "igr:ev-001-2156-2399", F001),
            ("igr:goal-binh-duong-regional-cooperation", "igr:ev-001-2402-2686", F001),
        ]),
        case("fact evidence file", [
            ("igr:ricardo-valente", "igr:ev-003-2627-2786", F003),
            ("igr:membership-ricardo-valente-porto", "igr:ev-003-2627-2786", F003),
            ("igr:membership-ricardo-valente-porto", "igr:ev-003-414-695", F003),
            ("igr:participation-ricardo-valente-mayors-conference-2024", "igr:ev-003-2627-2786", F003),
        ], actor="igr:ricardo-valente"),
    ],
    "actor_profile": [
        case("kind category labelVi labelEn location manages represents partOf", [
            ("org:FormalOrganization", "category:government", "Ban Quản lý Khu Công nghệ cao Thành phố Hồ Chí Minh",
             "Saigon Hi-Tech Park Management Board", HCMC, "igr:shtp", None, None)]),
        case("kind category location represents", [
            ("org:FormalOrganization", "category:international", HCMC, "igr:japan")], actor="igr:consulate-general-japan"),
        case("kind category location partOf", [
            ("org:OrganizationalCollaboration", "category:international", None, "igr:wef")], actor="igr:wef-c4ir-network"),
    ],
    "category_actors": [
        case("actor kind", [
            *((c, "org:FormalOrganization") for c in CONSULATES),
            *((f"igr:{c}", "org:FormalOrganization") for c in (
                "porto-municipality", "torino-municipality", "san-francisco-mayors-office", "wef")),
            ("igr:wef-c4ir-network", "org:OrganizationalCollaboration"),
            *((c, "schema:Country") for c in (*COUNTRIES, "igr:italy", "igr:portugal")),
            *((f"igr:{c}", "ig:Locality") for c in ("porto", "torino", "san-francisco")),
        ]),
        case("actor kind", [("igr:c4ir-hcmc", "org:FormalOrganization"), ("igr:itpc", "org:FormalOrganization"),
                            ("igr:southeast-technology-exchange", "org:FormalOrganization"), ("igr:shtp", "ig:Zone")],
             category="category:intermediary"),
        case("actor", [("igr:vneconomy",), ("igr:saigon-times",), ("igr:vietnam-news-agency",), ("igr:moi-truong-do-thi",)],
             category="category:media"),
    ],
    "organisation_links": [
        case("body link other", [
            ("igr:wef-c4ir-network", "org:subOrganizationOf", "igr:wef"),
            ("igr:c4ir-hcmc", "org:memberOf", "igr:wef-c4ir-network"),
            ("igr:shtp-board", "ig:manages", "igr:shtp"),
            *((c, "ig:represents", country) for c, country in zip(CONSULATES, COUNTRIES)),
        ]),
    ],
    "place_contents": [
        case("contained", [(f"igr:{p}",) for p in (
            "southeast-region", "ho-chi-minh-city", "binh-duong", "dong-nai", "ba-ria-vung-tau", "tay-ninh", "binh-phuoc",
            "shtp", "binh-duong-convention-centre")]),
        # As stated: the article names only HCMC and Bình Dương in the region; the other four provinces are inferred.
        case("contained", [(f"igr:{p}",) for p in ("ho-chi-minh-city", "binh-duong", "shtp", "binh-duong-convention-centre")],
             place="igr:southeast-region"),
    ],
}

QUERIES = catalogue()


def _answer(store: ox.Store, query: NamedQuery, params: Mapping[str, str]) -> tuple[list[str], list[Row]]:
    result = run(store, query.text, substitutions=query.substitutions({**query.example, **params}))
    assert isinstance(result, ox.QuerySolutions), f"{query.name} is not a SELECT query"
    variables = [v.value for v in result.variables]
    return variables, [tuple(_cell(solution[v]) for v in variables) for solution in result]


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param(name, expected, id=f"{name}-{i}")
    for name, cases in EXPECTED.items() for i, expected in enumerate(cases)
])
def test_a_named_query_gives_the_articles_answer(store: ox.Store, name: str, expected: Case) -> None:
    variables, rows = _answer(store, QUERIES[name], expected.params)
    assert len(rows) == len(set(rows)), f"{name} gives the same row more than once"
    missing = [c for c in expected.columns if c not in variables]
    assert not missing, f"{name} does not select {missing}"
    picked = {tuple(row[variables.index(c)] for c in expected.columns) for row in rows}
    assert picked == expected.rows, (f"\nunexpected: {sorted(picked - expected.rows, key=str)}"
                                     f"\nmissing: {sorted(expected.rows - picked, key=str)}")


def test_every_named_query_has_expected_answers() -> None:
    assert set(EXPECTED) == set(QUERIES)
    assert len(QUERIES) >= 40
    assert all(EXPECTED.values()), "every query needs at least one case"


def _assert_portable(path: Path, body: str) -> None:
    """The query keeps to what every SPARQL server answers alike (graph/catalogue.py)."""
    walked = r"(\w:\w+|>)\*|(rdfs:subClassOf|skos:broader|schema:superEvent|schema:containedInPlace)\+"
    assert not re.search(walked, body), f"{path.name} walks a path the closures hold: join on ig:kindOf or ig:within"
    assert not re.search(r"BIND\s*\(\s*(true|false|!?BOUND|EXISTS|NOT EXISTS)\b", body), f"{path.name} binds a bare boolean"


@pytest.mark.parametrize("path", sorted(p for p in QUERIES_DIR.glob("*/*.rq") if p.parent.name != "checks"),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_network_brief_and_page_queries_keep_to_what_every_server_answers_alike(path: Path) -> None:
    """The build's checks run on the embedded store alone; everything else may run on a SPARQL server."""
    _assert_portable(path, "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")))


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_a_query_file_states_its_question_and_declares_what_it_uses(store: ox.Store, path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"# [A-Z].*\?", lines[0]), f"{path.name}: the first line is not a question: {lines[0]!r}"
    query = QUERIES[path.stem]
    body = "\n".join(line for line in lines if not line.startswith("#"))
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", body), f"{path.name}: ?{param.name} is declared but not used"
        assert param.name not in ("format", "output", "limit", "offset"), f"{path.name}: ?{param.name} is a request's own"
    _assert_portable(path, body)
    # The service pages an answer by adding LIMIT and OFFSET to the query: it has none of its own.
    assert not re.search(r"\b(LIMIT|OFFSET)\b", body, re.IGNORECASE), f"{path.name} sets LIMIT or OFFSET"
    # Self-contained: it runs without the prefixes the project predeclares.
    store.query(query.text, substitutions=query.substitutions(query.example), use_default_graph_as_union=True)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_parameters_bound_in_the_query_give_what_pyoxigraph_substitutions_give(store: ox.Store, name: str) -> None:
    query = QUERIES[name]
    substitutions = query.substitutions(query.example)
    ours = run(store, query.text, substitutions=substitutions)
    theirs = store.query(query.text, prefixes=PREFIXES, substitutions=substitutions, use_default_graph_as_union=True)
    variables = [v.value for v in ours.variables]
    assert sorted(tuple(_cell(s[v]) for v in variables) for s in ours) == \
        sorted(tuple(_cell(s[v]) for v in variables) for s in theirs)


def test_parameters_are_bound_in_the_where_clause_whatever_comes_before_it() -> None:
    term = {ox.Variable("x"): ox.Literal('a "quoted" {value} # WHERE', language="vi")}
    tricky = ('# a WHERE { in a comment\nCONSTRUCT { <urn:s> <urn:p> ?x, ?where, "WHERE {" } # CONSTRUCT {\n'
              "where { BIND ('}' AS ?where) }")
    bound, left = bind(tricky, term)
    assert left is None
    assert bound.endswith("""where { VALUES ?x { "a \\"quoted\\" {value} # WHERE"@vi } BIND ('}' AS ?where) }""")
    triples = list(ox.Store().query(bound))
    assert {t.object for t in triples} == {term[ox.Variable("x")], ox.Literal("}"), ox.Literal("WHERE {")}
    select = 'SELECT ?x { ?x ?p "{" }'
    assert bind(select, term)[0].startswith('SELECT ?x { VALUES ?x')
    describe = "DESCRIBE ?x"
    assert bind(describe, term) == (describe, term)


def test_the_year_timeline_holds_every_date_of_the_graph(store: ox.Store) -> None:
    # year_timeline names the properties that hold dates; a date under a property it does not name is lost.
    dated = run(store, """SELECT ?thing ?property ?value WHERE {
        ?thing ?property ?value FILTER (DATATYPE(?value) IN (xsd:date, xsd:dateTime, xsd:gYear))
        FILTER (?property NOT IN (ig:comparedWith, ig:deadline, ig:inferredValue, time:year)) }""")
    expected = {(_cell(s["thing"]), _cell(s["property"]), _cell(s["value"])) for s in dated}
    found = set()
    for year in {value[:4] for _, _, value in expected}:
        _, rows = _answer(store, QUERIES["year_timeline"], {"year": year})
        found |= {row[1:2] + row[3:5] for row in rows}
    assert len(expected) > 30
    assert expected <= found, f"dates the timeline leaves out: {sorted(expected - found)}"
