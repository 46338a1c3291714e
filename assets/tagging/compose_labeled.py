"""Compose labeled_statements.csv from the hand-written statements and a templated supplement.

    .venv/bin/python assets/tagging/compose_labeled.py   # rewrites labeled_statements.csv

The CSV in git is the training data; this script documents how it was made and rebuilds it
byte for byte. Hand-written statements (handwritten_*.txt) are split train/eval by position:
every third statement of each section goes to eval, except in the TRAIN_ONLY files (written
after the split was fixed), which are all train and come last. Templated statements (topic nouns x
generic opinions, with negations; topic-specific subjects x ways of praising or criticising
them) go to train only, so the eval split is hand-written text
that the model has never seen in any form.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "labeled_statements.csv"
SENTIMENT = {"+": "positive", "0": "neutral", "-": "negative"}
EVAL_EVERY = 3
# Hand-written files written after the eval split was fixed: every statement goes to train, and
# they come last, so the ids and splits of all earlier statements stay as they were.
TRAIN_ONLY = ("handwritten_e.txt",)
TEMPLATES_PER_TOPIC = 60
SEED = 20261123

# Noun phrases that name each topic's subject, as customers would write them.
NOUNS = {
    "functionality": [
        "the feature set",
        "the automation rules",
        "the custom fields",
        "the workflow builder",
        "the approval flow",
        "the recurring task option",
        "the product's functionality",
        "the range of features",
    ],
    "integrations": [
        "the Salesforce integration",
        "the API",
        "the Slack connector",
        "the webhook support",
        "the Outlook sync",
        "the Zapier app",
        "the integration with our ERP",
        "the connection to HubSpot",
    ],
    "reporting": [
        "the reporting",
        "the dashboards",
        "the analytics module",
        "the custom reports",
        "the export to Excel",
        "the charts",
        "the KPI overview",
        "the scheduled reports",
    ],
    "mobile_app": [
        "the mobile app",
        "the iOS app",
        "the Android app",
        "the tablet version",
        "the phone app",
        "the app on my iPhone",
        "the mobile experience",
        "the app on our field team's phones",
    ],
    "security_access": [
        "the permission model",
        "single sign-on",
        "the user roles",
        "two-factor login",
        "the audit log",
        "the access controls",
        "the security setup",
        "the GDPR tooling",
    ],
    "uptime": [
        "uptime",
        "availability",
        "the number of outages",
        "the service's availability",
        "downtime",
        "the maintenance windows",
        "the status page",
        "the platform's uptime record",
    ],
    "performance": [
        "the speed",
        "page load time",
        "the performance",
        "search speed",
        "how fast reports load",
        "the loading times",
        "the responsiveness of the app",
        "the speed of large exports",
    ],
    "bugs": [
        "the number of bugs",
        "release quality",
        "the crashes",
        "the error messages we get",
        "stability after updates",
        "the glitches",
        "the bug fixing",
        "the quality of new releases",
    ],
    "data_sync": [
        "the nightly sync",
        "data accuracy",
        "the backups",
        "the sync with our CRM",
        "the data integrity",
        "record syncing between devices",
        "the restore process",
        "duplicate handling",
    ],
    "ease_of_use": [
        "ease of use",
        "the learning curve",
        "how easy it is to use",
        "the number of clicks for simple tasks",
        "the everyday workflow",
        "user friendliness",
        "how intuitive it is",
        "the usability",
    ],
    "navigation_search": [
        "the navigation",
        "the search",
        "the menus",
        "the sidebar",
        "finding old records",
        "the global search",
        "the menu structure",
        "the filters",
    ],
    "interface_design": [
        "the interface",
        "the new design",
        "the layout",
        "the look and feel",
        "the dark mode",
        "the visual design",
        "the UI",
        "the font size",
    ],
    "support_responsiveness": [
        "the response time",
        "the time to get a reply",
        "ticket turnaround",
        "how quickly tickets are answered",
        "the waiting time for support",
        "the help desk response times",
        "the chat response time",
        "how fast urgent tickets are handled",
    ],
    "support_quality": [
        "the support team",
        "customer service",
        "the help desk staff",
        "the support agents",
        "the quality of support",
        "the technical support",
        "the people in support",
        "the support engineers",
    ],
    "account_management": [
        "our account manager",
        "our customer success manager",
        "the business reviews",
        "our CSM",
        "the account team",
        "our sales rep",
        "the check-in calls",
        "the success team",
    ],
    "price_value": [
        "the price",
        "the cost",
        "the value for money",
        "the yearly price increase",
        "what we pay",
        "the subscription fee",
        "the return on investment",
        "the pricing",
    ],
    "plans_licensing": [
        "the licence model",
        "the plan structure",
        "the per-seat licensing",
        "the tiers",
        "the add-on packaging",
        "the contract terms",
        "the renewal terms",
        "the seat minimum",
    ],
    "billing": [
        "the invoicing",
        "the billing",
        "the invoices",
        "the payment process",
        "the refund process",
        "the charges on our card",
        "the billing portal",
        "the monthly invoice",
    ],
    "implementation": [
        "the onboarding",
        "the implementation",
        "the data migration",
        "the setup",
        "the go-live",
        "the rollout",
        "the initial configuration",
        "the import of our old data",
    ],
    "training": [
        "the training",
        "the webinars",
        "the training sessions",
        "the online courses",
        "the certification program",
        "the workshops",
        "the trainer",
        "the academy",
    ],
    "documentation": [
        "the documentation",
        "the help center",
        "the knowledge base",
        "the user guide",
        "the API docs",
        "the tutorials",
        "the help articles",
        "the release notes",
    ],
}

OPINIONS = {
    "positive": [
        "{N} is excellent",
        "{N} works really well for us",
        "{N} has been a great help",
        "{N} is exactly what we needed",
        "{N} keeps getting better",
        "{N} is one of the best things about the product",
        "{N} exceeded our expectations",
        "I'm really happy with {n}",
        "we love {n}",
        "{N} is a real strength",
        "no complaints about {n}",
        "{N} is never a problem",
        "I have nothing bad to say about {n}",
        "{N} could hardly be better",
        "{N} is not bad at all, actually it's great",
        "{N} never disappoints",
    ],
    "negative": [
        "{N} is a constant source of frustration",
        "{N} needs a lot of work",
        "{N} has been a big disappointment",
        "{N} is the weakest part of the product",
        "{N} keeps letting us down",
        "{N} is not good enough",
        "{N} has gotten worse lately",
        "{N} is a real problem for our team",
        "I'm unhappy with {n}",
        "{N} isn't good at all",
        "{N} doesn't work the way it should",
        "we are fed up with {n}",
        "{N} is far below what we expected",
        "{N} is not acceptable for a paid product",
        "{N} is nothing to be happy about",
        "{N} has never worked properly",
    ],
    "neutral": [
        "{N} was discussed in our last team meeting",
        "{N} came up in our quarterly review",
        "we are looking at {n} next quarter",
        "{N} is handled by our IT team",
        "a colleague asked me about {n}",
        "we changed something about {n} last month",
        "I have a question about {n}",
        "{N} is on the agenda for our next call",
    ],
}
# How B2B customers say it without the obvious adjectives: negated complaints ("never caused
# any trouble"), effort, workarounds, giving up. Drawn as often as the generic opinions.
EXPRESSIONS = {
    "positive": [
        "{N} has never caused us any trouble",
        "we haven't had a single problem with {n}",
        "{N} just works",
        "{N} saves us hours every week",
        "{N} runs without a hitch",
        "not once has {n} let us down",
        "{N} made our lives so much easier",
        "we can't imagine working without {n}",
        "it's hard to fault {n}",
        "{N} is hassle-free",
        "there is nothing to complain about when it comes to {n}",
        "{N} has been flawless so far",
        "{N} does exactly what it should",
        "{N} is a big step up from our old tool",
        "our team keeps praising {n}",
        "{N} is no longer an issue at all",
    ],
    "negative": [
        "we keep having trouble with {n}",
        "{N} costs us hours every week",
        "we gave up on {n}",
        "{N} is a headache",
        "{N} gets in the way of our work",
        "we had to find workarounds for {n}",
        "{N} never works the first time",
        "{N} is still not fixed",
        "we're still waiting for {n} to improve",
        "{N} keeps causing problems",
        "{N} is hardly usable",
        "{N} falls short of what we were promised",
        "{N} is holding us back",
        "we went back to spreadsheets because of {n}",
        "{N} is not worth the effort",
        "nobody on our team is happy with {n}",
    ],
    "neutral": [
        "we use {n} every week",
        "{N} was set up by our admin",
        "{N} is part of our contract",
        "we plan to review {n} in the spring",
        "our team mentioned {n} in the retrospective",
        "{N} is mostly used by the finance team",
        "we have a few questions about how {n} works",
        "{N} will be part of next year's evaluation",
    ],
}
# Topic-specific ways of saying it: subjects x predicates per topic (train only).
TOPIC_EXPRESSIONS = {
    "functionality": (
        ["the tool", "the product", "the platform", "this software", "the system"],
        [
            "covers every step of our process",
            "handles the odd cases our old tool couldn't",
            "lets us build exactly the process we need",
            "keeps adding capabilities we actually use",
            "does everything on our wish list",
        ],
        [
            "can't do what we need without workarounds",
            "stops at the basics",
            "still lacks things every competitor has",
            "forces us to keep a second tool for the rest",
            "won't let us adapt it to our process",
        ],
    ),
    "integrations": (
        [
            "the connection to our CRM",
            "the link with our ERP",
            "the data exchange with our shop",
            "the sync to our accounting package",
            "the API",
        ],
        [
            "passes data back and forth without anyone touching it",
            "was connected in an afternoon",
            "works with every tool in our stack",
            "saves our developers a lot of glue code",
            "keeps our systems talking to each other",
        ],
        [
            "drops records between systems",
            "needs a paid middleware to work at all",
            "breaks whenever the other vendor updates",
            "only covers a fraction of our fields",
            "makes our developers write endless glue code",
        ],
    ),
    "reporting": (
        [
            "the monthly figures",
            "the reports for management",
            "the numbers in the dashboards",
            "the weekly summaries",
            "the data exports",
        ],
        [
            "are ready without any spreadsheet work",
            "give leadership what they ask for",
            "can be sliced by any team or region",
            "land in our inbox automatically",
            "match what finance expects",
        ],
        [
            "never add up",
            "still need hours of spreadsheet work",
            "can't be broken down the way we need",
            "arrive in a format nobody can use",
            "are a day out of date",
        ],
    ),
    "mobile_app": (
        [
            "using it on a phone",
            "the app on our tablets",
            "the phone version",
            "working from a smartphone",
            "the app for our field staff",
        ],
        [
            "gives our people everything they need on site",
            "works even without a signal",
            "is as complete as the desktop",
            "lets me approve things on the go",
            "is quick on any device",
        ],
        [
            "only lets you look, not edit",
            "logs people out every day",
            "is missing most of the settings",
            "drains the battery in a few hours",
            "is unusable on small screens",
        ],
    ),
    "security_access": (
        [
            "controlling who sees what",
            "the login through our company accounts",
            "the access model",
            "the trail of who changed what",
            "protecting customer data",
        ],
        [
            "passed our audit without findings",
            "is set up exactly the way our IT wants",
            "gives each team just the access it needs",
            "keeps our compliance officer happy",
            "takes a single click for new joiners",
        ],
        [
            "is all or nothing",
            "leaves sensitive data open to everyone",
            "fails our auditors' checks",
            "takes many manual steps for every leaver",
            "is only available to the biggest customers",
        ],
    ),
    "uptime": (
        ["the service", "the platform", "the whole system", "access to the tool", "the login page"],
        [
            "has not been unavailable once this year",
            "stays up through every busy season",
            "is there whenever we need it",
            "never stops our operations",
            "kept running when everything else failed",
        ],
        [
            "was unavailable for half a day again",
            "goes dark in the middle of our working day",
            "keeps dropping out every few weeks",
            "was unreachable during our busiest hour",
            "stopped our whole team for an afternoon",
        ],
    ),
    "performance": (
        [
            "opening a project",
            "loading a page",
            "the board view",
            "running a report",
            "searching for a record",
        ],
        [
            "happens in a blink",
            "is instant even with huge data",
            "never keeps us waiting",
            "takes no time at all",
            "feels quick on any laptop",
        ],
        [
            "keeps us waiting for ages",
            "takes an eternity",
            "crawls at month end",
            "makes us stare at a spinner",
            "drags on for minutes",
        ],
    ),
    "bugs": (
        [
            "each new release",
            "the latest update",
            "the editor",
            "the save function",
            "the calendar view",
        ],
        [
            "has been free of problems",
            "went out without a single glitch",
            "behaves the same way every day",
            "hasn't thrown an error in months",
            "works exactly as it should",
        ],
        [
            "broke something that used to work",
            "throws errors at random",
            "keeps misbehaving in new ways",
            "randomly loses what we typed",
            "has had the same defect for months",
        ],
    ),
    "data_sync": (
        [
            "our records",
            "the data in both systems",
            "the customer records",
            "the figures between offices",
            "the entries made on the road",
        ],
        [
            "always match across systems",
            "are never lost",
            "stay current everywhere",
            "arrive complete after every sync",
            "stay clean without duplicates",
        ],
        [
            "go missing between systems",
            "end up duplicated",
            "are overwritten with old versions",
            "differ from one office to the next",
            "can't be trusted to be current",
        ],
    ),
    "ease_of_use": (
        [
            "getting everyday work done",
            "learning the tool",
            "doing a routine task",
            "using it as a casual user",
            "day-to-day use",
        ],
        [
            "takes no effort at all",
            "took our team an afternoon",
            "is quick and obvious",
            "needs no manual",
            "feels natural from day one",
        ],
        [
            "takes far too many steps",
            "still confuses people after months",
            "needs someone to walk you through it",
            "is a chore",
            "demands too much effort from casual users",
        ],
    ),
    "navigation_search": (
        [
            "finding a record",
            "getting to the right page",
            "locating an old project",
            "looking up a client",
            "reaching the settings",
        ],
        [
            "takes a couple of keystrokes",
            "is quick with the search bar",
            "is obvious from the menu",
            "takes seconds",
            "never requires hunting around",
        ],
        [
            "means digging through menus",
            "is a hunt every time",
            "fails unless you type the exact name",
            "takes far too long",
            "is a maze",
        ],
    ),
    "interface_design": (
        [
            "the screens",
            "the pages of the app",
            "the visuals",
            "the page layouts",
            "the colours and icons",
        ],
        [
            "are calm and tidy",
            "look polished",
            "make the important things stand out",
            "look modern",
            "are pleasant to look at all day",
        ],
        [
            "are crammed and busy",
            "look old-fashioned",
            "make everything blend together",
            "are hard on the eyes",
            "look messy on a normal monitor",
        ],
    ),
    "support_responsiveness": (
        [
            "getting a reply from the help desk",
            "a first answer to our tickets",
            "hearing back from support",
            "a response to urgent issues",
            "a reply in the chat",
        ],
        [
            "takes minutes",
            "comes the same day",
            "is quicker than with any other vendor",
            "never needs chasing",
            "comes even on weekends",
        ],
        [
            "takes days",
            "needs several reminders",
            "comes only after an escalation",
            "takes a week or more",
            "never happens outside their office hours",
        ],
    ),
    "support_quality": (
        [
            "the people on the support line",
            "the help desk staff",
            "the support engineers",
            "the service team",
            "the agents in the chat",
        ],
        [
            "really understand our problems",
            "solve things on the first try",
            "explain fixes clearly",
            "go out of their way for us",
            "know the product inside out",
        ],
        [
            "don't understand our setup",
            "give answers that don't fit the question",
            "pass us around without solving anything",
            "blame us for their bugs",
            "need everything explained twice",
        ],
    ),
    "account_management": (
        [
            "our contact at the vendor",
            "our account manager",
            "the success manager",
            "the team managing our account",
            "our rep",
        ],
        [
            "knows our business inside out",
            "checks in before problems grow",
            "makes our quarterly reviews worthwhile",
            "pushes our requests internally",
            "is always reachable",
        ],
        [
            "only calls at renewal time",
            "changes every few months",
            "forgets what was agreed",
            "pushes upgrades we don't need",
            "never follows up",
        ],
    ),
    "price_value": (
        [
            "what we pay",
            "the subscription",
            "the annual fee",
            "the money we spend on it",
            "the cost per year",
        ],
        [
            "is easily justified",
            "is small compared to the time saved",
            "is fair for a company our size",
            "is less than any alternative",
            "pays for itself",
        ],
        [
            "keeps climbing every year",
            "is hard to justify to our CFO",
            "is out of proportion to what we use",
            "is far above the alternatives",
            "eats up our software budget",
        ],
    ),
    "plans_licensing": (
        [
            "the seat rules",
            "the tier structure",
            "the contract terms",
            "the licence rules",
            "the plan options",
        ],
        [
            "let us grow at our own pace",
            "make it easy to add people",
            "include everything we need in the standard package",
            "are simple to understand",
            "are flexible when we shrink",
        ],
        [
            "force us to buy more seats than we need",
            "hide key features in the top tier",
            "lock us in for years",
            "charge for occasional users as full users",
            "change every year to our disadvantage",
        ],
    ),
    "billing": (
        [
            "the invoices",
            "the charges on our card",
            "the billing statements",
            "their bills",
            "the monthly statements",
        ],
        [
            "are always correct",
            "match our order to the cent",
            "are easy for our accounts team",
            "run without any manual work",
            "come with every detail our auditors need",
        ],
        [
            "contain mistakes every quarter",
            "show amounts nobody can explain",
            "keep going to the wrong address",
            "charge us for cancelled seats",
            "take weeks to get corrected",
        ],
    ),
    "implementation": (
        [
            "the switch from our old system",
            "getting set up",
            "going live",
            "moving our old data over",
            "the first weeks after signing",
        ],
        [
            "went faster than planned",
            "was well organised from the start",
            "took almost no internal effort",
            "went without surprises",
            "was handled expertly by their team",
        ],
        [
            "dragged on for months",
            "left us to figure everything out alone",
            "lost part of our history",
            "kept slipping",
            "cost far more effort than promised",
        ],
    ),
    "training": (
        [
            "the session for our staff",
            "the course for new admins",
            "learning from their trainers",
            "the workshop",
            "the webinar series",
        ],
        [
            "gave our team real confidence",
            "was practical and hands-on",
            "used our own data as examples",
            "was worth every minute",
            "got new hires productive quickly",
        ],
        [
            "was too basic to be useful",
            "rushed through everything",
            "never covered what we needed",
            "left people more confused",
            "cost extra and delivered little",
        ],
    ),
    "documentation": (
        [
            "the written guides",
            "the online guides",
            "the help pages",
            "the reference docs",
            "the articles in the help center",
        ],
        [
            "answer nearly every question",
            "are clear and up to date",
            "come with good examples",
            "let us solve things without calling anyone",
            "are easy to follow",
        ],
        [
            "describe screens that no longer exist",
            "leave out the important steps",
            "are full of dead links",
            "are too thin to help",
            "assume you already know everything",
        ],
    ),
}
# More ways of praising or criticising each topic's subjects.
MORE_PREDICATES = {
    "functionality": (
        [
            "lets us drop two other tools",
            "grows with every new process we add",
            "has an answer for every request from our managers",
            "keeps surprising us with what it can do",
            "fits the way our teams really work",
        ],
        [
            "makes us keep spreadsheets on the side",
            "can't follow our approval steps",
            "hits a wall at the first unusual request",
            "has barely changed in two years",
            "leaves every advanced need to a consultant",
        ],
    ),
    "integrations": (
        [
            "has not dropped a record in months",
            "lets our systems share data in real time",
            "took no developer time to maintain",
            "covers every field we care about",
            "just keeps running in the background",
        ],
        [
            "needs fixing after every update",
            "only moves data once a day",
            "mixes up fields between the systems",
            "stops without telling anyone",
            "cost us weeks of developer time",
        ],
    ),
    "reporting": (
        [
            "show us problems before the customers do",
            "are the first thing our managers open",
            "take a couple of clicks to share",
            "answer the board's questions straight away",
            "save our analysts a day every month",
        ],
        [
            "stop at simple counts",
            "are useless for our finance team",
            "can't be scheduled, so someone pulls them by hand",
            "show different totals on different pages",
            "hide the detail we need",
        ],
    ),
    "mobile_app": (
        [
            "keeps our field team independent",
            "does everything the web version does",
            "syncs the moment a signal returns",
            "makes site visits paperless",
            "loads instantly even on old phones",
        ],
        [
            "keeps losing what we typed",
            "freezes on older phones",
            "sends notifications hours late",
            "makes us go back to a laptop for everything",
            "shows half of each screen",
        ],
    ),
    "security_access": (
        [
            "made our security review painless",
            "shows exactly who changed what and when",
            "lets us remove a leaver in seconds",
            "keeps customer data where it belongs",
            "satisfies every auditor we've had",
        ],
        [
            "let an intern see salary data",
            "has no record of who exported what",
            "needs a manual process for every leaver",
            "worries our data protection officer",
            "failed the checks in our last audit",
        ],
    ),
    "uptime": (
        [
            "has been there every single working day",
            "survived our peak season without a blip",
            "never left our customers stranded",
            "lets us promise our clients round-the-clock access",
            "has had no incidents since we joined",
        ],
        [
            "left our team idle again this week",
            "disappeared right before a client demo",
            "keeps failing during peak hours",
            "was unavailable for the whole morning",
            "let our customers down twice this month",
        ],
    ),
    "performance": (
        [
            "is done before I can reach for my coffee",
            "keeps pace even with our largest projects",
            "feels instant on a slow connection",
            "got noticeably quicker after the update",
            "never makes anyone wait",
        ],
        [
            "makes people give up and close the tab",
            "ties up the browser for minutes",
            "gets slower every month",
            "takes longer than doing it by hand",
            "stalls whenever several people work at once",
        ],
    ),
    "bugs": (
        [
            "has been rock solid",
            "went through the update without any side effects",
            "got fixed the day we reported it",
            "never loses our input",
            "does what it's supposed to every time",
        ],
        [
            "crashed twice this week",
            "shows a different error every day",
            "corrupted a form we were filling in",
            "was broken again by the latest patch",
            "still has the defect we reported in spring",
        ],
    ),
    "data_sync": (
        [
            "line up perfectly with our ERP",
            "come through every sync intact",
            "can be restored in minutes",
            "are the single source of truth for us",
            "stay in step on every device",
        ],
        [
            "get lost between the app and the CRM",
            "show last week's values",
            "have to be checked by hand every morning",
            "come back after we delete them",
            "don't match the accounting system",
        ],
    ),
    "ease_of_use": (
        [
            "needs no training at all",
            "is simple enough for our least technical staff",
            "takes half the clicks of our old tool",
            "makes routine jobs feel effortless",
            "is something people pick up on their own",
        ],
        [
            "makes our staff avoid the tool",
            "needs a cheat sheet for basic tasks",
            "involves one confirmation screen after another",
            "is still awkward after a year",
            "keeps our trainers busy with basic questions",
        ],
    ),
    "navigation_search": (
        [
            "finds records even with typos",
            "gets me anywhere in two clicks",
            "is where I start every task",
            "makes old projects easy to dig up",
            "never leaves me lost",
        ],
        [
            "finds nothing unless the spelling is exact",
            "hides the pages we use every day",
            "takes me back to the start every time",
            "means scrolling through endless lists",
            "leaves new colleagues lost",
        ],
    ),
    "interface_design": (
        [
            "are easy to read all day",
            "look great on the big office screen",
            "make statuses obvious at a glance",
            "feel clean and modern",
            "are consistent from page to page",
        ],
        [
            "are cluttered with panels nobody uses",
            "look dated next to other tools",
            "use text that's far too small",
            "jump around whenever the page refreshes",
            "make it hard to tell things apart",
        ],
    ),
    "support_responsiveness": (
        [
            "happens before we finish our coffee",
            "is quicker than we expect every time",
            "takes less than an hour even for small questions",
            "comes the same day even in busy weeks",
            "is fast even at night",
        ],
        [
            "can take a whole week",
            "stalls until we complain",
            "never comes on weekends",
            "arrives after the problem has cost us money",
            "depends on how many times we chase them",
        ],
    ),
    "support_quality": (
        [
            "fix things properly the first time",
            "take time to understand our setup",
            "follow up until it really works",
            "treat us like their only customer",
            "explain things so we learn something",
        ],
        [
            "send canned replies that miss the point",
            "ask for the same logs again and again",
            "close tickets without solving them",
            "contradict each other",
            "clearly haven't read our message",
        ],
    ),
    "account_management": (
        [
            "turned our renewal into a fair deal",
            "gets our feature requests heard",
            "knows our history without asking",
            "brings useful ideas to every review",
            "makes us feel like a valued customer",
        ],
        [
            "disappears between renewals",
            "doesn't remember our last conversation",
            "keeps changing without a handover",
            "cancels our reviews at the last minute",
            "only talks about upselling",
        ],
    ),
    "price_value": (
        [
            "is the best money we spend on software",
            "is easy to justify to finance",
            "is modest for everything we get",
            "is well below what competitors asked",
            "has stayed stable for years",
        ],
        [
            "went up again without any new value",
            "is the reason we're looking at alternatives",
            "doesn't match how little we use it",
            "is too much for a team our size",
            "has doubled in three years",
        ],
    ),
    "plans_licensing": (
        [
            "let us add people in a minute",
            "don't charge for occasional viewers",
            "are easy to compare",
            "give small teams a fair start",
            "let us move seats between people",
        ],
        [
            "make us pay for seats nobody uses",
            "split basic features across expensive add-ons",
            "won't let us reduce seats mid-term",
            "got worse at the last renewal",
            "push us into a bigger plan than we need",
        ],
    ),
    "billing": (
        [
            "arrive on time with every detail",
            "never need a correction",
            "are accepted by our accounts team without questions",
            "get fixed within a day if something is off",
            "reconcile with our books every month",
        ],
        [
            "charge us twice now and then",
            "keep listing seats we removed",
            "come in the wrong currency",
            "need several emails to correct",
            "arrive without the purchase order number we need",
        ],
    ),
    "implementation": (
        [
            "finished ahead of schedule",
            "brought over all our history intact",
            "needed almost none of our own time",
            "was planned around our busy season",
            "left nothing half done",
        ],
        [
            "overran by months",
            "left half our old data behind",
            "was handed to someone who didn't know the product",
            "needed weeks of cleanup afterwards",
            "left us configuring everything ourselves",
        ],
    ),
    "training": (
        [
            "made our people confident from day one",
            "was tailored to our own processes",
            "was clear even for beginners",
            "answered every question patiently",
            "gave our admins skills they still use",
        ],
        [
            "went far too fast for beginners",
            "was a sales pitch in disguise",
            "never got to the advanced topics",
            "was scheduled at impossible times",
            "left our team just as lost as before",
        ],
    ),
    "documentation": (
        [
            "cover every setting with an example",
            "let us solve problems on our own",
            "are updated with every release",
            "are written in plain language",
            "have helped every new admin we've hired",
        ],
        [
            "are outdated and misleading",
            "skip the steps that actually matter",
            "contradict what the product does",
            "are impossible to search",
            "only exist in English",
        ],
    ),
}
for _topic, (_pos, _neg) in MORE_PREDICATES.items():
    TOPIC_EXPRESSIONS[_topic][1].extend(_pos)
    TOPIC_EXPRESSIONS[_topic][2].extend(_neg)
TOPIC_EXPRESSIONS_PER_TOPIC = 60
SENTIMENT_SHARE = (("positive", 0.42), ("negative", 0.42), ("neutral", 0.16))


def parse_handwritten(path: Path, train_only: bool = False) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    section = None
    position = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("##")):
            continue
        if line.startswith("## "):
            section, position = line[3:].strip(), 0
            continue
        m = re.match(r"^([+0-])\s+(?:\[(=?)([a-z_,]*)\]\s+)?(.+)$", line)
        if not m or section is None:
            raise ValueError(f"{path.name}:{number}: cannot parse {line!r}")
        sign, exact, listed, text = m.groups()
        extra = [t for t in (listed or "").split(",") if t]
        topics = extra if exact else ([] if section in ("none", "mixed") else [section]) + extra
        split = "eval" if position % EVAL_EVERY == EVAL_EVERY - 1 and not train_only else "train"
        position += 1
        rows.append(
            {
                "text": text,
                "topics": "|".join(dict.fromkeys(topics)),
                "sentiment": SENTIMENT[sign],
                "split": split,
                "origin": f"handwritten:{path.name}:{number}",
            }
        )
    return rows


def sentence(template: str, noun: str) -> str:
    text = template.replace("{N}", noun[0].upper() + noun[1:]).replace("{n}", noun)
    text = text[0].upper() + text[1:]
    return text + "."


def templated(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for topic, nouns in NOUNS.items():
        seen: set[str] = set()
        while len(seen) < TEMPLATES_PER_TOPIC:
            sentiment = rng.choices(
                [s for s, _ in SENTIMENT_SHARE], [w for _, w in SENTIMENT_SHARE]
            )[0]
            bank = OPINIONS if rng.random() < 0.5 else EXPRESSIONS
            text = sentence(rng.choice(bank[sentiment]), rng.choice(nouns))
            if text in seen:
                continue
            seen.add(text)
            rows.append(
                {
                    "text": text,
                    "topics": topic,
                    "sentiment": sentiment,
                    "split": "train",
                    "origin": "template",
                }
            )
    return rows


def topic_expressions(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for topic, (subjects, positive, negative) in TOPIC_EXPRESSIONS.items():
        combos = [(subject, p, "positive") for subject in subjects for p in positive]
        combos += [(subject, n, "negative") for subject in subjects for n in negative]
        for subject, predicate, sentiment in rng.sample(combos, TOPIC_EXPRESSIONS_PER_TOPIC):
            text = f"{subject[0].upper()}{subject[1:]} {predicate}."
            rows.append(
                {
                    "text": text,
                    "topics": topic,
                    "sentiment": sentiment,
                    "split": "train",
                    "origin": "template",
                }
            )
    return rows


def main() -> None:
    rows = []
    paths = sorted(HERE.glob("handwritten_*.txt"))
    for path in paths:
        if path.name not in TRAIN_ONLY:
            rows.extend(parse_handwritten(path))
    rng = random.Random(SEED)
    rows.extend(templated(rng))
    rows.extend(topic_expressions(rng))
    for path in paths:
        if path.name in TRAIN_ONLY:
            rows.extend(parse_handwritten(path, train_only=True))
    texts = [r["text"].lower() for r in rows]
    duplicates = {t for t in texts if texts.count(t) > 1}
    if duplicates:
        raise SystemExit(f"duplicate statements: {sorted(duplicates)}")
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["id", "text", "topics", "sentiment", "split", "origin"]
        )
        writer.writeheader()
        for i, row in enumerate(rows, start=1):
            writer.writerow({"id": f"s{i:04d}", **row})
    n_eval = sum(r["split"] == "eval" for r in rows)
    print(f"wrote {len(rows)} statements ({n_eval} eval) to {OUTPUT}")


if __name__ == "__main__":
    main()
