"""Page-tree conditions the database can answer from an index.

Wagtail's `path__startswith=OuterRef("…path")` becomes `path LIKE <column> || '%'`, a
pattern that no index serves: correlated per row (a learner's courses and their lessons),
PostgreSQL scans the whole page tree each time. Paths are made of 0-9 and A-Z, so a page's
descendants are exactly the paths after its own and before its own followed by "~" in
byte order; PostgreSQL compares in byte order with its pattern operators (~>~, ~<~), which
the `varchar_pattern_ops` index Django builds beside the unique `path` index serves. SQLite
compares text in byte order already.
"""

from django.db.models import BooleanField, Func

# Above every character of Wagtail's path alphabet (0-9, A-Z) in byte order.
AFTER_ALPHABET = "~"


class Beneath(Func):
    """True for a page whose path lies beneath (strictly) the given path:
    `.filter(Beneath(F("path"), OuterRef("course__path")))`."""

    arity = 2
    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra_context):
        (path, path_params), (prefix, prefix_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        above, below = ("~>~", "~<~") if connection.vendor == "postgresql" else (">", "<")
        sql = f"({path} {above} {prefix} AND {path} {below} ({prefix} || %s))"
        params = (*path_params, *prefix_params, *path_params, *prefix_params, AFTER_ALPHABET)
        return sql, params
