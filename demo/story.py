"""The demo's story: a year of quarterly monitoring rounds on the 2013 plan, made up to show the
tracker in use. Every text says it is a demo; nothing here claims to be what happened."""

from actions.status import Status

ON, RISK, OFF, DONE = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.COMPLETED

# Per strategy action (its reference in the report's plan): the Forum's update in each of the
# four rounds, oldest first, as (status, percent, what has happened, next steps). None: no
# update in that round (the open round shows who has not updated yet).
UPDATES = {
    "T1.1": [
        (
            ON,
            10,
            "Partners agreed a joint media plan for the Community Rights campaign.",
            "Draft the first press release and a leaflet.",
        ),
        (
            ON,
            30,
            "The first press release went out and a leaflet was printed.",
            "Run two drop-in sessions at the library.",
        ),
        (
            RISK,
            40,
            "One drop-in session was cancelled: the venue was not available.",
            "Find a new venue and rebook the session.",
        ),
        (
            ON,
            60,
            "Both drop-in sessions ran; 45 people came.",
            "Report what people asked about to the Forum.",
        ),
    ],
    "T2.1": [
        (
            ON,
            15,
            "Met the clinical commissioning group to ask for its commissioning plans.",
            "Agree a timetable for the review with statutory partners.",
        ),
        (
            ON,
            35,
            "A review timetable was agreed with three statutory partners.",
            "Collect comments from Forum members on the plans.",
        ),
        (
            ON,
            55,
            "Forum members sent comments on two commissioning plans.",
            "Send a joint response to the partners.",
        ),
        None,
    ],
    "T2.2": [
        (
            ON,
            20,
            "Mapped volunteering opportunities against gaps in services.",
            "Approach colleges about accredited skills courses.",
        ),
        (
            RISK,
            25,
            "No college has yet offered places on an accredited course.",
            "Ask the council's employment team for contacts.",
        ),
        (
            OFF,
            30,
            "The funding bid for the skills programme was turned down.",
            "Prepare a smaller bid and look for a second funder.",
        ),
        (
            RISK,
            40,
            "A smaller programme for 20 volunteers starts next month.",
            "Enrol volunteers and agree placements.",
        ),
    ],
    "T2.3": [
        (
            ON,
            25,
            "The consultation on infrastructure support opened; 60 groups replied.",
            "Hold two consultation events.",
        ),
        (
            ON,
            60,
            "Two consultation events were held and the options written up.",
            "Put the preferred option to the Forum.",
        ),
        (
            ON,
            90,
            "The Forum chose its preferred delivery model.",
            "Set up the new joint working structure.",
        ),
        (
            DONE,
            100,
            "The new joint working structure for infrastructure support met for the first time.",
            "",
        ),
    ],
}

# Strategy action T2.2's new target date in the third round, with its reason.
REVISED = {("T2.2", 2): ("The funding bid was turned down; a smaller programme needs more time.",)}

# Per proposed council action: the council's input in each round, as (status, percent,
# commentary, resources). None: no input in that round.
INPUTS = {
    "T1.1a": [
        (
            ON,
            10,
            "Officers listed the Community Rights schemes to promote.",
            "Within existing resources",
        ),
        (ON, 30, "The council's website now has a page on Community Rights.", ""),
        (ON, 45, "Community Rights featured in the council's residents' magazine.", ""),
        (ON, 60, "Two briefing sessions were held for ward councillors.", ""),
    ],
    "T2.1a": [
        (ON, 20, "Joint engagement sessions with the Forum were put in the calendar.", ""),
        (ON, 40, "The first joint session on commissioning plans took place.", ""),
        (ON, 60, "A data-sharing agreement is being drafted with the Forum.", ""),
        (ON, 70, "The data-sharing agreement is with legal services.", ""),
    ],
    "T2.1b": [
        (ON, 10, "The review of the Sustainable Procurement Policy was scoped.", ""),
        (RISK, 20, "The review was delayed by the procurement team's other work.", ""),
        (OFF, 20, "The review has not restarted; no officer is assigned to it.", ""),
        (OFF, 25, "An officer has been assigned and will report next quarter.", ""),
    ],
    "T2.1c": [
        (ON, 15, "Current service level agreements were listed for review.", ""),
        (ON, 40, "Draft wording on sharing information and expertise was written.", ""),
        (ON, 65, "The draft wording was tested with three providers.", ""),
        None,
    ],
    "T2.2a": [
        (ON, 10, "Options for joint skills initiatives were discussed with the Forum.", ""),
        (ON, 30, "A shared list of placement offers was started.", ""),
        (RISK, 35, "Fewer placements were offered than hoped.", ""),
        (ON, 50, "Two council services now offer placements.", ""),
    ],
    "T2.3a": [
        (
            ON,
            25,
            "The council funded the consultation's venues.",
            "£2,000 from the community grants budget",
        ),
        (ON, 60, "Officers supported both consultation events.", ""),
        (ON, 90, "Officers advised on the delivery model's costs.", ""),
        (DONE, 100, "Support for setting up the new structure is complete.", ""),
    ],
}

# In the open round: one update left waiting for review, to show the review queue.
WAITING_FOR_REVIEW = "T1.1"

# A discussion on strategy action T2.2 in the third round, between the Forum and the council:
# (who, days after the round's updates were posted, words).
DISCUSSION = {
    "T2.2": [
        (
            "forum",
            4,
            "Does the council know of any funders for a smaller skills programme? Our "
            "bid was turned down.",
        ),
        (
            "officer",
            6,
            "The employment team has a list of local funders: I will send it to the "
            "Forum this week.",
        ),
        ("forum", 9, "Thank you: we have applied to two of them."),
    ],
}

# Milestones, per action reference: (title, due: (round, days after it starts) or ("today",
# days from today), done: (round, days after it starts) or None). The percent of strategy
# action T1.1 is then taken from its milestones.
MILESTONES = {
    "T1.1": [
        ("Joint media plan agreed by partners", (0, 45), (0, 40)),
        ("First press release issued", (1, 20), (1, 15)),
        ("Community Rights leaflet printed", (1, 45), (1, 50)),
        ("Drop-in sessions held at the library", (3, 30), None),
        ("Campaign results reported to the Forum", ("today", 60), None),
    ],
    "T2.2": [
        ("Volunteering opportunities mapped against gaps in services", (0, 60), (0, 55)),
        ("Funding secured for the skills programme", (2, 60), None),
        ("First volunteers enrolled on placements", ("today", 90), None),
    ],
    "T2.1a": [
        ("Joint engagement calendar agreed with the Forum", (0, 30), (0, 28)),
        ("Data-sharing agreement signed", ("today", 30), None),
    ],
}
FROM_MILESTONES = ["T1.1"]

# An evidence file on an update: (reference, round) -> (file name, its words).
EVIDENCE = {
    ("T2.3", 1): (
        "Demo consultation options summary.pdf",
        "Demo: a summary of the options for infrastructure support written up after the two "
        "consultation events. Made up for the demonstration.",
    ),
}

# Indicators (made up for the demo): name, definition, unit, direction, baseline, the target
# at the end of the year, the strategy actions and themes it is linked to, and a value in each
# round (None: not measured that round).
INDICATORS = [
    {
        "name": "Demo: volunteers placed through the skills programme",
        "definition": "Volunteers who started a placement through the skills programme in the "
        "quarter, counted by the Forum.",
        "unit": "people",
        "direction": "up",
        "baseline": 0,
        "target": 40,
        "actions": ["T2.2"],
        "council_actions": ["T2.2a"],
        "values": [4, 7, 9, 12],
    },
    {
        "name": "Demo: groups taking part in the infrastructure consultation",
        "definition": "Third Sector groups that replied to the consultation or came to its "
        "events, in all so far.",
        "unit": "groups",
        "direction": "up",
        "baseline": 0,
        "target": 80,
        "actions": ["T2.3"],
        "council_actions": [],
        "values": [60, 75, 84, 90],
    },
]
