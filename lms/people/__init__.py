"""People: cadre profiles, reference data (ranks, post categories, departments, assessment
signals as names), roles and their groups, accounts and single sign-on.

The lowest layer: courses and search may import it; it imports none of them.
"""
