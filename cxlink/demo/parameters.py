"""The planted parameters of the demo world.

Everything the marts are expected to recover lives here, in one place, and is copied into
``ground_truth.json`` by ``ground_truth.py``. Probabilities are listed in the order of the code
tuples next to them.
"""

from __future__ import annotations

# One month of continuous time, in days (365.25 / 12): hazards are per month of this length.
DAYS_PER_MONTH = 30.4375

REPORTING_CURRENCY = "EUR"

SEGMENTS = ("smb", "mid_market", "enterprise")
SEGMENT_MIX = (0.62, 0.28, 0.10)

TIERS = ("starter", "growth", "pro", "enterprise")
# Tiers a segment can move between (inclusive tier codes): small companies never buy the
# enterprise tier, mid-market companies never sit on starter, enterprises never below pro.
TIER_BOUNDS = ((0, 2), (1, 3), (2, 3))
# List price per tier in EUR per month, times a seat factor per segment.
TIER_PRICE_EUR = (49.0, 149.0, 449.0, 1490.0)
SEGMENT_PRICE_FACTOR = (1.0, 2.5, 6.0)
# Negotiated price noise: per customer (seats, discounts) and a little per period.
CUSTOMER_PRICE_SIGMA = 0.30
PERIOD_PRICE_SIGMA = 0.03
# Tier changes inside a subscription: a Poisson process; most moves are upgrades.
TIER_CHANGE_RATE_PER_MONTH = 0.03
UPGRADE_SHARE = 0.85
# Contracts renew every 12 months (billed monthly) with a seat true-up: the price changes by a
# factor exp(N(mean, sigma)) at each anniversary, mostly up (seats added). Tier moves alone
# saturate (most enterprise revenue sits on the top tier already): seats are what brings the
# 12-month NRR to about 100%, as in a typical B2B SaaS (docs/demo.md).
RENEWAL_INTERVAL_MONTHS = 12
RENEWAL_SEAT_LOG_MEAN = 0.10
RENEWAL_SEAT_LOG_SIGMA = 0.08

CHANNELS = ("paid_search", "paid_social", "organic", "referral", "partner", "outbound_sales")
# Acquisition channel by segment (rows follow SEGMENTS): small companies come in self-serve
# (search, social, organic), mid-market mostly through partners, enterprises through outbound
# sales. Spend is known per channel only, so the CAC of a segment is the mix of its channels'
# CACs: the purer the channels, the closer each segment's CLV / CAC is to its own economics.
CHANNEL_MIX = (
    (0.38, 0.27, 0.25, 0.10, 0.00, 0.00),
    (0.10, 0.00, 0.10, 0.15, 0.60, 0.05),
    (0.00, 0.00, 0.00, 0.05, 0.30, 0.65),
)
# Initial tier by acquisition channel (rows follow CHANNELS), then clipped to the segment's
# TIER_BOUNDS: self-serve channels sell the small plans, partners and outbound sales the large
# ones, so one channel's CAC buys plans of a similar size. The marts charge a tier the average
# CAC of its customers' channels and one company-wide CRC; that still leaves the starter tier
# below 1x (docs/demo.md "Reading the figures").
TIER_MIX = (
    (0.35, 0.45, 0.20, 0.00),
    (0.70, 0.25, 0.05, 0.00),
    (0.55, 0.35, 0.10, 0.00),
    (0.20, 0.45, 0.30, 0.05),
    (0.00, 0.25, 0.55, 0.20),
    (0.00, 0.00, 0.35, 0.65),
)
# Planted cost of acquiring one customer (EUR), recovered by the CAC mart. Set so that each
# channel pays back in about 8-18 months of gross-margin revenue and the company in about 15,
# with CLV / CAC about 4 (docs/demo.md has the figures of a `make demo` run).
CAC_EUR = {
    "paid_search": 6000.0,
    "paid_social": 3000.0,
    "organic": 2500.0,
    "referral": 9000.0,
    "partner": 40000.0,
    "outbound_sales": 110000.0,
}
CAC_NOISE_SIGMA = 0.10
SPEND_TO_ACQUISITION_LAG_MONTHS = 0

# Service cost model (EUR): per new customer (by segment, rows follow SEGMENTS), per active
# customer-month, per active enterprise customer-month ("active" = a subscription period covers
# some day of the month). About 7% of revenue: with hosting (not in the demo data) that is the
# 20% cost of revenue behind the finance marts' default gross margin of 0.8.
ONBOARDING_COST_PER_NEW_CUSTOMER = (200.0, 1500.0, 6000.0)
SUPPORT_COST_PER_ACTIVE_CUSTOMER_MONTH = 20.0
SUCCESS_COST_PER_ACTIVE_ENTERPRISE_CUSTOMER_MONTH = 400.0

# country, weight, language, billing currency
COUNTRIES = (
    ("US", 0.22, "en", "USD"),
    ("GB", 0.10, "en", "GBP"),
    ("IE", 0.03, "en", "EUR"),
    ("NL", 0.05, "en", "EUR"),
    ("DK", 0.03, "en", "EUR"),
    ("CA", 0.03, "en", "USD"),
    ("AU", 0.02, "en", "USD"),
    ("DE", 0.12, "de", "EUR"),
    ("AT", 0.03, "de", "EUR"),
    ("FI", 0.07, "fi", "EUR"),
    ("SE", 0.06, "sv", "SEK"),
    ("ES", 0.07, "es", "EUR"),
    ("FR", 0.08, "fr", "EUR"),
    ("PT", 0.03, "pt", "EUR"),
    ("BR", 0.06, "pt", "BRL"),
)
LANGUAGES = ("en", "fi", "de", "es", "fr", "pt", "sv")

# EUR per unit at the start of the data; fx_rates drift from here. Local prices are set once
# from these, so a later FX move changes reported EUR, never the invoiced amount.
FX_BASE = {"USD": 0.92, "GBP": 1.17, "SEK": 0.088, "BRL": 0.17}
FX_MONTHLY_SIGMA = 0.012

PERSONAS = ("founder", "ops_manager", "it_admin", "finance_lead", "")
# Persona by segment (rows follow SEGMENTS); "" = not recorded in the CRM.
PERSONA_MIX = (
    (0.35, 0.25, 0.15, 0.10, 0.15),
    (0.05, 0.35, 0.25, 0.20, 0.15),
    (0.00, 0.30, 0.35, 0.25, 0.10),
)

# Customers whose arrivals grow: the daily signup rate at as_of_date is this multiple of the
# rate at start_date (exponential growth in between).
ARRIVAL_GROWTH = 3.0

# Non-subscription buyers: one-time purchases only, no NPS surveys, occasional CSAT.
NON_SUBSCRIPTION_SHARE = 0.03
NON_SUBSCRIPTION_PLAN_TIER = "pay_as_you_go"
PURCHASE_RATE_GAMMA_SHAPE = 0.8  # purchases per month ~ Gamma(shape, scale)
PURCHASE_RATE_GAMMA_SCALE = 0.5
PURCHASE_LIFETIME_MONTHS = 18.0  # mean of an exponential buying lifetime
ORDER_VALUE_EUR = 120.0  # median order value; lognormal
ORDER_VALUE_SIGMA = 0.6
PURCHASE_CSAT_PROBABILITY = 0.15

# Latent NPS type, fixed for a customer's life.
NPS_TYPES = ("promoter", "passive", "detractor")
NPS_TYPE_MIX = (0.45, 0.30, 0.25)
# Constant monthly churn hazard per type: lifetimes are exponential, so churn by a horizon
# counted from ANY response is 1 - exp(-k * hazard), whatever the customer's age.
MONTHLY_CHURN_HAZARD = {"promoter": 0.008, "passive": 0.015, "detractor": 0.035}
REACTIVATION_PROBABILITY = 0.25
# A reactivation starts at least this many days after the churn: more than 13 calendar months
# (at most 397 days), so a churn within 12 months of a response is never undone in that window.
REACTIVATION_MIN_GAP_MONTHS = 13
REACTIVATION_MIN_GAP_DAYS = 400
REACTIVATION_EXTRA_GAP_DAYS = 730  # uniform extra wait on top of the minimum

# Enterprise customers sometimes buy a second, overlapping subscription (another department).
ADDON_PROBABILITY = 0.5
ADDON_TIER = 1  # growth
ADDON_START_DAYS = (30, 540)
ADDON_CANCEL_PROBABILITY = 0.2
ADDON_CANCEL_AFTER_DAYS = (60, 720)

# One-time invoices of subscription customers: onboarding at signup and occasional services.
ONBOARDING_FEE_PROBABILITY = (0.10, 0.50, 0.90)  # by segment
ONBOARDING_FEE_EUR = (400.0, 1500.0, 6000.0)
SERVICES_RATE_PER_MONTH = 0.02
SERVICES_EUR = 1200.0
REFUND_PROBABILITY = 0.01
REFUND_FULL_SHARE = 0.7

# Surveys.
NPS_SURVEY_INTERVAL_DAYS = 90
NPS_SURVEY_JITTER_DAYS = 15
NPS_RESPONSE_PROBABILITY = 0.6
SUPPORT_RESPONSE_RATE_PER_MONTH = 0.2  # CSAT/CES responses at support touchpoints
CSAT_SHARE_OF_SUPPORT_SURVEYS = 0.6
# P(score) per latent type (rows follow NPS_TYPES).
NPS_SCORE_PROBS = {
    "promoter": {9: 0.45, 10: 0.55},
    "passive": {7: 0.45, 8: 0.55},
    "detractor": {0: 0.04, 1: 0.03, 2: 0.05, 3: 0.08, 4: 0.12, 5: 0.25, 6: 0.43},
}
CSAT_SCORE_PROBS = {  # scores 1..5
    "promoter": (0.01, 0.02, 0.07, 0.35, 0.55),
    "passive": (0.03, 0.07, 0.25, 0.45, 0.20),
    "detractor": (0.15, 0.20, 0.30, 0.25, 0.10),
}
# CES 1..7 on the CES 2.0 agreement scale: 7 = "it was very easy" (higher is better).
CES_SCORE_PROBS = {
    "promoter": (0.01, 0.02, 0.03, 0.06, 0.13, 0.35, 0.40),
    "passive": (0.03, 0.05, 0.08, 0.16, 0.28, 0.25, 0.15),
    "detractor": (0.12, 0.15, 0.18, 0.20, 0.17, 0.11, 0.07),
}
SURVEY_CHANNELS = ("email", "in_app", "sms", "web", "social")
CHANNEL_MIX_BY_SURVEY = {
    "nps": (0.55, 0.30, 0.05, 0.10, 0.00),
    "csat": (0.40, 0.25, 0.10, 0.20, 0.05),
    "ces": (0.35, 0.35, 0.10, 0.15, 0.05),
}

# Comments.
COMMENT_RATE = {"nps": 0.6, "csat": 0.3, "ces": 0.3}
LANGUAGE_OMITTED_RATE = 0.10  # of responses with a comment
NEWLINE_SEPARATOR_RATE = 0.05  # sentences on separate lines instead of one paragraph
TOPICS = ("product", "support", "pricing", "reliability", "usability", "onboarding")
COMMENT_CATEGORIES = ("promoter", "passive", "detractor")
# A comment mentions each topic independently with these probabilities (by the category of its
# score); draws with no topic or more than three are redrawn. Detractors talk about reliability
# and pricing, promoters about usability and support: the planted "topics shift scores" effect.
TOPIC_BASE_PROBABILITY = {
    "product": {"promoter": 0.30, "passive": 0.30, "detractor": 0.25},
    "support": {"promoter": 0.35, "passive": 0.20, "detractor": 0.15},
    "pricing": {"promoter": 0.08, "passive": 0.25, "detractor": 0.40},
    "reliability": {"promoter": 0.07, "passive": 0.15, "detractor": 0.45},
    "usability": {"promoter": 0.40, "passive": 0.25, "detractor": 0.15},
    "onboarding": {"promoter": 0.15, "passive": 0.12, "detractor": 0.12},
}
MAX_TOPICS_PER_COMMENT = 3
SENTIMENTS = ("positive", "neutral", "negative")
SENTIMENT_PROBS = {
    "promoter": (0.85, 0.10, 0.05),
    "passive": (0.40, 0.25, 0.35),
    "detractor": (0.05, 0.10, 0.85),
}
# Category of a score, for a comment's topics and sentiment: NPS by the standard cut-offs,
# CSAT 4-5 / 3 / 1-2, CES 6-7 / 4-5 / 1-3 (lower bound of promoter, lower bound of passive).
SCORE_CATEGORY_CUTS = {"nps": (9, 7), "csat": (4, 3), "ces": (6, 4)}

# File layout of the landing zone (relative to landing_dir).
FEEDBACK_LEGACY_SHARE = 0.05

# Product usage (landing/product_usage/, issue 15): one row per subscriber and complete week
# (Monday to Sunday, on or before as_of_date) whose Monday falls in a subscription episode.
# Seats per customer: lognormal around a median by segment, times the seat factor of the
# renewals (the same true-ups that raise MRR); not every customer reports seats.
USAGE_SEATS_MEDIAN = (8.0, 40.0, 220.0)  # by segment
USAGE_SEATS_SIGMA = 0.5
USAGE_SEATS_REPORTED_SHARE = 0.85
# Share of seats active in a week, by latent NPS type (detractors churn more, so churners
# use fewer of their seats), with per-customer and per-week lognormal noise.
USAGE_UTILISATION = {"promoter": 0.72, "passive": 0.62, "detractor": 0.50}
USAGE_CUSTOMER_SIGMA = 0.15
USAGE_WEEK_SIGMA = 0.12
# A new episode ramps up: week j (0-based) runs at 0.5 + 0.5 * min(1, (j + 1) / ramp weeks).
USAGE_ONBOARDING_WEEKS = 6
# The planted decline: over the last USAGE_DECLINE_DAYS before a churn (the true churn day, also
# when it falls after as_of_date) the expected active users fall linearly from 1x to
# USAGE_DECLINE_FLOOR x, so their mean over that window is (1 + floor) / 2 of the level before.
USAGE_DECLINE_DAYS = 91
USAGE_DECLINE_FLOOR = 0.4
# Key (success) events per active user and week, by segment: Poisson, so events fall with users.
USAGE_EVENTS_PER_ACTIVE_USER = (12.0, 15.0, 18.0)

# Support tickets (landing/support_tickets/, issue 15). Background tickets: a Poisson process
# per subscription episode with a monthly rate by segment, priorities and categories below.
TICKET_RATE_PER_MONTH = (0.15, 0.5, 1.5)  # by segment
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_PRIORITY_MIX = (0.25, 0.55, 0.15, 0.05)
TICKET_CATEGORIES = ("billing", "bug", "how_to", "outage", "feature_request", "account")
TICKET_CATEGORY_MIX = (0.15, 0.25, 0.30, 0.05, 0.15, 0.10)
TICKET_CATEGORY_MISSING = 0.10
# The planted burst: before every NPS detractor response, Poisson(TICKET_BURST_MEAN) extra
# tickets opened uniformly in the TICKET_BURST_DAYS before it, mostly high/urgent bugs and outages.
TICKET_BURST_MEAN = 1.5
TICKET_BURST_DAYS = 30
TICKET_BURST_PRIORITY_MIX = (0.05, 0.35, 0.40, 0.20)
TICKET_BURST_CATEGORY_MIX = (0.05, 0.45, 0.05, 0.40, 0.00, 0.05)
# Resolution time: lognormal hours around a median by priority; a ticket whose close falls
# after as_of_date is still open (closed_at empty).
TICKET_RESOLUTION_HOURS = (48.0, 24.0, 10.0, 4.0)
TICKET_RESOLUTION_SIGMA = 1.0
# A closed ticket is rated (csat_score 1-5) with this probability, from CSAT_SCORE_PROBS.
TICKET_CSAT_PROBABILITY = 0.35
