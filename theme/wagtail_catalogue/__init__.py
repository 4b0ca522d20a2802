"""Translations for Wagtail admin strings that Wagtail's own zh_Hans catalogue lacks,
loaded as an installed app's locale (README, "Languages")."""
