"""Hand-made data sets of the topic tests (the warehouses are built in conftest.py).

Design A ("blocks"): every month and segment has the same 40 NPS responses, so every figure is
known by hand:
  - 10 detractors (score 3): all mention reliability (5 through the sub-topic
    reliability.outages, which must roll up), negative statements;
  - 10 passives (score 7): a statement with no topic;
  - 10 promoters (score 10) mention usability; 10 promoters (score 9) a statement with no topic;
  - onboarding is mentioned by exactly half of each of these four groups: it is unrelated to the
    score and to the other topics.
  smb accounts pay 100 EUR MRR; in ent the detractors pay 2,000 and the others 1,000.

Design B ("stream"): 36 months, 2 segments x 100 customers answering every month; each topic is
mentioned independently with a fixed probability (stationary), except an injected spike in the
last month (pricing in ent: 10% -> 40%). German comments never mention support (a planted
"translation drop") and their statements score 0.2 lower.
"""

from __future__ import annotations

import random

from tests.warehouse import Customer, Response, Statement

MONTHS_A = [f"2024-{m:02d}" for m in range(1, 9)]
SEGMENTS = ("smb", "ent")


def design_a() -> tuple[list[Customer], list[Response]]:
    customers, responses = [], []
    for segment in SEGMENTS:
        for i in range(40):
            mrr = 100.0 if segment == "smb" else (2000.0 if i < 10 else 1000.0)
            customers.append(Customer(f"{segment}-{i}", segment, mrr))
    for month in MONTHS_A:
        for segment in SEGMENTS:
            for i in range(40):
                if i < 10:
                    score, main = (
                        3,
                        Statement(["reliability.outages" if i < 5 else "reliability"], -0.8),
                    )
                elif i < 20:
                    score, main = 7, Statement([], 0.0)
                elif i < 30:
                    score, main = 10, Statement(["usability"], 0.8)
                else:
                    score, main = 9, Statement([], 0.5)
                statements = [main]
                if i % 10 < 5:  # half of every group
                    statements.append(Statement(["onboarding"], 0.1))
                responses.append(
                    Response(
                        f"{month}-{segment}-{i}",
                        f"{segment}-{i}",
                        f"{month}-15T09:00:00",
                        score,
                        statements=statements,
                    )
                )
    return customers, responses


TOPIC_PROBABILITY_B = {
    "product": 0.30,
    "support": 0.20,
    "pricing": 0.10,
    "reliability": 0.15,
    "usability": 0.20,
    "onboarding": 0.10,
}
MONTHS_B = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
SPIKE = ("ent", "pricing", 0.40)


def design_b(seed: int = 20241) -> tuple[list[Customer], list[Response]]:
    rng = random.Random(seed)
    customers = [
        Customer(f"{segment}-{i}", segment, 100.0 if segment == "smb" else 1000.0)
        for segment in SEGMENTS
        for i in range(100)
    ]
    responses = []
    for m, month in enumerate(MONTHS_B):
        last = m == len(MONTHS_B) - 1
        for customer in customers:
            language = "de" if int(customer.customer_id.split("-")[1]) % 2 else "en"
            statements = []
            for topic, probability in TOPIC_PROBABILITY_B.items():
                if last and (customer.segment, topic) == SPIKE[:2]:
                    probability = SPIKE[2]
                if rng.random() < probability and not (language == "de" and topic == "support"):
                    statements.append(Statement([topic], 0.3 if language == "en" else 0.1))
            if not statements:
                statements.append(Statement([], 0.3 if language == "en" else 0.1))
            responses.append(
                Response(
                    f"{month}-{customer.customer_id}",
                    customer.customer_id,
                    f"{month}-10T12:00:00",
                    rng.randint(0, 10),
                    language=language,
                    statements=statements,
                )
            )
    return customers, responses
