from django.db import models


class IndexedCourse(models.Model):
    """The database backend's index: one derived row per live course, rebuilt from pages."""

    course_id = models.PositiveIntegerField(primary_key=True)
    document = models.JSONField()
    # Searchable text folded by search.text.fold (NFKC, simplified Chinese, lower case), one
    # column per weight: title > keywords (tags, track) > summary > body (lessons, instructors).
    title = models.TextField()
    keywords = models.TextField(default="")
    summary = models.TextField(default="")
    body = models.TextField()
    track = models.CharField(max_length=30, db_index=True)
    delivery_mode = models.CharField(max_length=10, db_index=True)
    tag_slugs = models.TextField(default="", help_text="|slug|slug|: portable substring filter")
    # The index version that last wrote this row: a process holding the catalogue re-reads
    # only the rows whose revision it has not seen ("" for rows from before this field).
    revision = models.CharField(max_length=32, default="", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course_id"]

    def __str__(self):
        return self.document.get("title", str(self.course_id))


class IndexVersion(models.Model):
    """One row whose token the database backend replaces with every write to its index:
    each process keeps the indexed documents in memory and re-reads them only when the
    token has changed (one tiny query per search instead of an aggregate over the index).
    A new random token each time, never a counter: a write rolled back and another one
    committed must not share a version."""

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token
