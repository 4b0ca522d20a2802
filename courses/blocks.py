"""StreamField blocks for course and lesson bodies."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class QuestionKind(blocks.ChoiceBlock):
    choices = [
        ("single", _("Single choice")),
        ("multiple", _("Multiple choice")),
        ("true_false", _("True / false")),
    ]

    def __init__(self, **kwargs):
        super().__init__(choices=self.choices, default="single", **kwargs)


class AnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct answer"), required=False)

    class Meta:
        label = _("Option")


class QuestionBlock(blocks.StructBlock):
    kind = QuestionKind(label=_("Question type"))
    text = blocks.TextBlock(label=_("Question"))
    # A new question comes with the two options it needs at least.
    choices = blocks.ListBlock(
        AnswerOptionBlock(),
        label=_("Options"),
        min_num=2,
        max_num=8,
        default=[{"text": "", "correct": False}, {"text": "", "correct": False}],
    )
    explanation = blocks.TextBlock(
        label=_("Explanation"),
        required=False,
        help_text=_("Shown to the cadre after the quiz is graded."),
    )

    class Meta:
        label = _("Question")
        icon = "help"

    def clean(self, value):
        value = super().clean(value)
        kind = value["kind"]
        correct = sum(1 for option in value["choices"] if option["correct"])
        errors = []
        if kind == "true_false" and len(value["choices"]) != 2:
            errors.append(_("A true/false question has exactly two options."))
        if kind in ("single", "true_false") and correct != 1:
            errors.append(_("Mark exactly one option as the correct answer."))
        if kind == "multiple" and correct < 1:
            errors.append(_("Mark at least one option as a correct answer."))
        if errors:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(errors)}
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A quiz. Correct answers are graded on the server and never rendered to cadres."""

    title = blocks.CharBlock(label=_("Title"), max_length=100)
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"), min_value=0, max_value=100, default=60
    )
    max_attempts = blocks.IntegerBlock(
        label=_("Attempts allowed"),
        min_value=1,
        max_value=20,
        default=3,
    )
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        label = _("Quiz")
        icon = "tasks"
        template = "courses/blocks/quiz.html"


class VideoBlock(blocks.StructBlock):
    """A lecture recording: an uploaded file or an address on the intranet video server."""

    title = blocks.CharBlock(label=_("Title"), max_length=100)
    file = DocumentChooserBlock(label=_("Uploaded video"), required=False)
    url = blocks.URLBlock(label=_("Intranet video address"), required=False)
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        label = _("Video")
        icon = "media"
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not value["file"] and not value["url"]:
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(_("Upload a video or give its address."))]
            )
        return value


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=100)
    background = blocks.RichTextBlock(label=_("Case"), features=["bold", "italic", "ol", "ul"])
    questions = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Questions to discuss"))

    class Meta:
        label = _("Case study")
        icon = "doc-full"
        template = "courses/blocks/case_study.html"


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Reflection prompt"))

    class Meta:
        label = _("Reflection")
        icon = "pick"
        template = "courses/blocks/reflection.html"


class CourseBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        template="courses/blocks/paragraph.html",
    )
    image = ImageBlock(label=_("Image"), template="courses/blocks/image.html")
    video = VideoBlock()
    document = DocumentChooserBlock(label=_("Document"), template="courses/blocks/document.html")
    case_study = CaseStudyBlock()
    reflection = ReflectionBlock()
    quiz = QuizBlock()
