"""The requests behind the statistics tests, and the date they are seen from."""

import datetime

D = datetime.date
AS_OF = D(2025, 12, 31)

# (type, offences, received, closing event, closed on, grounds): Peru's incoming and outgoing requests.
CASES = [
    ("mla", ["uncac-23"], D(2024, 1, 10), "executed", D(2024, 3, 10), []),
    ("mla", ["uncac-23", "uncac-15"], D(2024, 2, 1), "executed", D(2024, 3, 2), []),
    ("mla", ["uncac-17"], D(2024, 2, 1), "partially-executed", D(2024, 4, 1), []),
    ("mla", ["uncac-17"], D(2024, 5, 1), "refused", D(2024, 6, 30), ["bank-secrecy"]),
    ("mla", ["uncac-15"], D(2024, 6, 1), None, None, []),
    ("mla", ["uncac-23"], D(2025, 1, 5), "executed", D(2025, 3, 6), []),  # ties with the first (60 days)
    ("mla", ["uncac-23"], D(2025, 5, 1), "executed", D(2026, 1, 20), []),  # executed after as_of
    ("extradition", ["uncac-16"], D(2024, 3, 1), "executed", D(2024, 11, 26), []),
    ("extradition", ["uncac-16"], D(2025, 9, 1), None, None, []),
    ("extradition", ["uncac-17"], D(2025, 10, 1), "withdrawn", D(2025, 10, 31), []),
]
