"""The instructors' workbench: what instructors see of how their courses are used."""
