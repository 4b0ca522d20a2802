"""Completion analytics (not built yet): `queries.py` returns rows from aggregate SQL,
`charts.py` turns rows into Plotly figures with no ORM inside, and thin views show them."""
