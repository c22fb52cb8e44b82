"""A small statement shaped like the bundled one, shared by the document and rebuild tests."""

STATEMENT = """\
# Civil Society calls for urgent measures

Ahead of World Refugee Day 2022, a group of 22 groups are calling on governments. As crimes \
unfold in the Uyghur region of China—including mass detention—Uyghurs outside China are at risk.

Research shows that more than 1,500 Uyghurs have been detained. Our organizations call on:

- Governments to implement proactive resettlement programs;
- Governments to reject criminal justice cooperation requests;
- Parliamentary committees to launch enquiries; and
- UNHCR to continue registering Uyghurs.

No return is safe for Uyghurs. Immediate steps are urgently needed.

<!-- terjime: signatories -->
1. Alberta Uyghur Association
2. ASEAN Parliamentarians for Human Rights (APHR)
3. Uyghur U.K. Association
"""
