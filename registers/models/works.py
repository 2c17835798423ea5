"""The register of works and objects of related rights (Art. 45-1.2 (1))."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pghistory
import pgtrigger
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from udp.core import clock


class WorkKind(models.TextChoices):
    MUSICAL = "musical", _("Musical work")
    RECORDING = "recording", _("Sound recording (phonogram)")
    PERFORMANCE = "performance", _("Performance")
    AUDIOVISUAL = "audiovisual", _("Audiovisual work")
    LITERARY = "literary", _("Literary work")
    FINE_ART = "fine_art", _("Work of fine art")


#: Objects of related rights (their holders are performers and producers, Art. 42).
RELATED_RIGHTS_KINDS = frozenset({WorkKind.RECORDING, WorkKind.PERFORMANCE})


class Role(models.TextChoices):
    """Contributor roles: the CISAC writer and publisher designation codes, plus related-rights roles."""

    COMPOSER_AUTHOR = "CA", _("Composer and author")
    COMPOSER = "C", _("Composer")
    AUTHOR = "A", _("Author (lyricist)")
    ARRANGER = "AR", _("Arranger")
    ADAPTER = "AD", _("Adapter")
    TRANSLATOR = "TR", _("Translator")
    SUB_ARRANGER = "SA", _("Sub-arranger")
    SUB_AUTHOR = "SR", _("Sub-author")
    PUBLISHER = "E", _("Original publisher")
    SUB_PUBLISHER = "SE", _("Sub-publisher")
    ADMINISTRATOR = "AM", _("Administrator")
    INCOME_PARTICIPANT = "PA", _("Income participant")
    ACQUIRER = "AQ", _("Acquirer")
    SUBSTITUTED_PUBLISHER = "ES", _("Substituted publisher")
    PERFORMER = "PER", _("Performer")
    PRODUCER = "PRD", _("Phonogram or audiovisual producer")
    DIRECTOR = "DIR", _("Director")
    ARTIST = "ART", _("Artist (fine art)")


#: Roles that make a natural person an author for the term of protection (Art. 28).
AUTHOR_ROLES = frozenset({"CA", "C", "A", "AR", "AD", "TR", "SA", "SR", "DIR", "ART"})
PUBLISHER_ROLES = frozenset({"E", "SE", "AM", "PA", "AQ", "ES"})


class RightType(models.TextChoices):
    PERFORMING = "PR", _("Performing and communication")
    MECHANICAL = "MR", _("Mechanical (reproduction)")
    SYNC = "SR", _("Synchronisation")
    RELATED = "RR", _("Related rights (performers and producers)")
    RESALE = "RS", _("Resale")


class ClaimsStatus(models.TextChoices):
    """Whether the work's shares are agreed by everyone they name (see :mod:`registers.claims`)."""

    AGREED = "agreed", _("Agreed")
    AWAITING = "awaiting", _("Awaiting confirmation by the holders it names")
    DISPUTED = "disputed", _("Disputed")


class WorkQuerySet(models.QuerySet["Work"]):
    def public(self) -> WorkQuerySet:
        return self.filter(public=True)


#: Words of a statement's rows (``rows``) counted with ``sign``, for ``registers_searchword_apply``.
_WORDS_OF = """
    SELECT w AS word, {sign} AS n FROM {rows} AS r, unnest(tsvector_to_array(r.search)) AS w
     WHERE length(w) > 1 AND w !~ '[0-9]'
"""
_CHANGED = "(SELECT n.* FROM {a} AS n JOIN {b} AS o USING (id) WHERE n.search_text <> o.search_text)"


def _apply(words: str) -> str:
    return f"""
    PERFORM registers_searchword_apply(array_agg(word ORDER BY word), array_agg(n ORDER BY word))
       FROM (SELECT word, sum(n) AS n FROM ({words}) AS d GROUP BY word HAVING sum(n) <> 0) AS delta;
    RETURN NULL;
    """


#: The vocabulary of titles and names (registers.vocabulary), kept set-based: one statement a trigger.
VOCABULARY_TRIGGERS = (
    pgtrigger.Trigger(
        name="search_vocabulary_insert",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        referencing=pgtrigger.Referencing(new="new_rows"),
        func=_apply(_WORDS_OF.format(sign=1, rows="new_rows")),
    ),
    pgtrigger.Trigger(
        name="search_vocabulary_update",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
        func=_apply(
            _WORDS_OF.format(sign=1, rows=_CHANGED.format(a="new_rows", b="old_rows"))
            + " UNION ALL "
            + _WORDS_OF.format(sign=-1, rows=_CHANGED.format(a="old_rows", b="new_rows"))
        ),
    ),
    pgtrigger.Trigger(
        name="search_vocabulary_delete",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        referencing=pgtrigger.Referencing(old="old_rows"),
        func=_apply(_WORDS_OF.format(sign=-1, rows="old_rows")),
    ),
)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["search_text", "search"],
)
class Work(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=WorkKind.choices, default=WorkKind.MUSICAL)
    title = models.CharField(_("title"), max_length=500)
    language = models.CharField(_("language"), max_length=3, blank=True)
    iswc = models.CharField(_("ISWC"), max_length=11, null=True, blank=True, unique=True)
    isrc = models.CharField(_("ISRC"), max_length=12, null=True, blank=True, unique=True)
    isan = models.CharField(_("ISAN"), max_length=26, null=True, blank=True, unique=True)
    creation_year = models.PositiveSmallIntegerField(_("year of creation"), null=True, blank=True)
    disclosed_on = models.DateField(
        _("lawfully disclosed on"),
        null=True,
        blank=True,
        help_text=_("First lawful publication or disclosure."),
    )
    anonymous = models.BooleanField(_("published anonymously"), default=False)
    pseudonymous = models.BooleanField(
        _("published under a pseudonym"),
        default=False,
        help_text=_(
            "Under a pseudonym that leaves the author's identity in doubt (Art. 28.4). It stays set when "
            "the author becomes known: give that date instead."
        ),
    )
    author_identified_on = models.DateField(
        _("author identified on"),
        null=True,
        blank=True,
        help_text=_(
            "For a work published anonymously or under a pseudonym: the date the author disclosed their "
            "identity or it ceased to be in doubt. Within 70 years of disclosure, the author's life "
            "counts for the term (Art. 28.4)."
        ),
    )
    duration = models.DurationField(_("duration"), null=True, blank=True)
    protection_ends_on = models.DateField(_("protected until"), null=True, blank=True)
    protection_basis = models.CharField(_("term basis"), max_length=40, blank=True)
    public = models.BooleanField(_("shown in the public register"), default=True)
    claims_status = models.CharField(
        _("claims"),
        max_length=10,
        choices=ClaimsStatus.choices,
        default=ClaimsStatus.AGREED,
        db_default=ClaimsStatus.AGREED,  # bulk loads (COPY) that do not name it get "agreed"
    )
    submitter_ref = models.CharField(_("submitter's work number"), max_length=40, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_works",
        verbose_name=_("submitted by"),
    )
    registered_by_cmo = models.ForeignKey(
        "registers.CMO",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_works",
        verbose_name=_("registered by CMO"),
    )
    embodied_works = models.ManyToManyField(
        "self", through="EmbodiedWork", symmetrical=False, related_name="recordings", blank=True
    )
    search_text = models.TextField(editable=False, default="")
    search = models.GeneratedField(
        expression=SearchVector("search_text", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        indexes = [GinIndex(fields=["search"], name="work_search_gin")]
        triggers = [*VOCABULARY_TRIGGERS]
        constraints = [
            models.CheckConstraint(
                name="work_iswc_format", condition=Q(iswc__isnull=True) | Q(iswc__regex=r"^T\d{10}$")
            ),
            models.CheckConstraint(
                name="work_isrc_format",
                condition=Q(isrc__isnull=True) | Q(isrc__regex=r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$"),
            ),
            models.CheckConstraint(
                name="work_iswc_only_musical", condition=Q(iswc__isnull=True) | Q(kind="musical")
            ),
            models.CheckConstraint(
                name="work_isrc_only_recordings",
                condition=Q(isrc__isnull=True) | Q(kind__in=["recording", "performance"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        identified_on = self.author_identified_on
        if identified_on is None:
            return
        if not (self.anonymous or self.pseudonymous):
            raise ValidationError(
                {
                    "author_identified_on": _(
                        "Only a work published anonymously or under a pseudonym has a date when its "
                        "author became known."
                    )
                }
            )
        if identified_on > clock.today():
            raise ValidationError(
                {"author_identified_on": _("The date the author became known cannot be in the future.")}
            )

    @property
    def in_public_domain(self) -> bool:
        return self.protection_ends_on is not None and self.protection_ends_on < clock.today()

    def public_domain_on(self, day: dt.date) -> bool:
        return self.protection_ends_on is not None and self.protection_ends_on < day


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class WorkTitle(models.Model):
    class Kind(models.TextChoices):
        """CISAC's Title Type table (CWR), plus TL for a transliteration entered on the register's pages."""

        ALTERNATE = "AT", _("Alternative title")
        FIRST_LINE = "TE", _("First line of text")
        FORMAL = "FT", _("Formal title")
        INCORRECT = "IT", _("Incorrect title")
        ORIGINAL = "OT", _("Original title")
        TRANSLATED = "TT", _("Original title translated")
        PART = "PT", _("Part title")
        RESTRICTED = "RT", _("Restricted title")
        EXTRA_SEARCH = "ET", _("Extra search title")
        ORIGINAL_NATIONAL = "OL", _("Original title with national characters")
        ALTERNATE_NATIONAL = "AL", _("Alternative title with national characters")
        TRANSLITERATED = "TL", _("Transliterated title")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="titles", verbose_name=_("work"))
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=2, choices=Kind.choices, default=Kind.ALTERNATE)
    language = models.CharField(_("language"), max_length=3, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "title"], name="work_title_unique")]

    def __str__(self) -> str:
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class WorkContributor(models.Model):
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="contributors", verbose_name=_("work")
    )
    party = models.ForeignKey(
        "registers.Party",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("author or rightsholder"),
    )
    role = models.CharField(_("role"), max_length=3, choices=Role.choices)
    credited_as = models.CharField(_("credited as"), max_length=300, blank=True)
    sequence = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["work", "party", "role"], name="contributor_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.role})"

    @property
    def is_author(self) -> bool:
        return self.role in AUTHOR_ROLES


SHARES_SUM_TO_100 = pgtrigger.Trigger(
    name="shares_sum_to_100",
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    when=pgtrigger.After,
    timing=pgtrigger.Deferred,
    func="""
    DECLARE
        w_id bigint;
        r_type varchar;
        total numeric;
        mismatched integer;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            w_id := OLD.work_id; r_type := OLD.right_type;
        ELSE
            w_id := NEW.work_id; r_type := NEW.right_type;
            SELECT count(*) INTO mismatched FROM registers_workcontributor c
             WHERE c.id = NEW.contributor_id AND c.work_id <> NEW.work_id;
            IF mismatched > 0 THEN
                RAISE EXCEPTION 'share % belongs to another work than its contributor', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        SELECT sum(percent) INTO total FROM registers_share WHERE work_id = w_id AND right_type = r_type;
        IF total IS NOT NULL AND total <> 100 THEN
            RAISE EXCEPTION 'shares of work % for right type % sum to %, not 100', w_id, r_type, total
                USING ERRCODE = 'check_violation', CONSTRAINT = 'shares_sum_to_100';
        END IF;
        IF TG_OP = 'UPDATE' AND (OLD.work_id <> NEW.work_id OR OLD.right_type <> NEW.right_type) THEN
            SELECT sum(percent) INTO total FROM registers_share
             WHERE work_id = OLD.work_id AND right_type = OLD.right_type;
            IF total IS NOT NULL AND total <> 100 THEN
                RAISE EXCEPTION 'shares of work % for right type % sum to %, not 100', OLD.work_id, OLD.right_type, total
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'shares_sum_to_100';
            END IF;
        END IF;
        RETURN NULL;
    END;
    """,
)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Share(models.Model):
    """A contributor's percentage of one right type in a work.

    For every work and right type the shares sum to exactly 100 %: checked by
    :func:`registers.actions.validate_shares` and, at commit, by a deferred constraint trigger.
    """

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="shares", verbose_name=_("work"))
    contributor = models.ForeignKey(
        WorkContributor, on_delete=models.CASCADE, related_name="shares", verbose_name=_("contributor")
    )
    right_type = models.CharField(_("right type"), max_length=2, choices=RightType.choices)
    percent = models.DecimalField(_("share, %"), max_digits=5, decimal_places=2)
    #: The share as the source declared it, when the agreed ``percent`` differs: CWR allows a
    #: right's shares to sum to 100 % ± 0.06 (e.g. 3 × 33.33); the agreed set sums to exactly 100 %
    #: (:func:`registers.shares.agreed_shares`) and money is split on it, while the declared share
    #: goes back out unchanged on export and in a later revision.
    declared = models.DecimalField(
        _("share as declared, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contributor", "right_type"], name="share_unique_per_right"),
            models.CheckConstraint(name="share_percent_range", condition=Q(percent__gt=0, percent__lte=100)),
        ]
        indexes = [models.Index(fields=["work", "right_type"])]
        triggers = [SHARES_SUM_TO_100]

    def __str__(self) -> str:
        return f"{self.contributor} {self.right_type} {self.percent} %"


HUNDRED = Decimal("100.00")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PublisherLink(models.Model):
    """A writer represented by a publisher on this work (CWR's PWR record): which original
    publisher's chain the writer's share was assigned through, with the agreement numbers."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="publisher_links")
    writer = models.ForeignKey(
        WorkContributor, on_delete=models.CASCADE, related_name="publishers", verbose_name=_("writer")
    )
    publisher = models.ForeignKey(
        WorkContributor, on_delete=models.CASCADE, related_name="writers", verbose_name=_("publisher")
    )
    submitter_agreement = models.CharField(_("submitter's agreement number"), max_length=14, blank=True)
    society_agreement = models.CharField(_("society-assigned agreement number"), max_length=14, blank=True)

    class Meta:
        verbose_name = _("writer's publisher")
        verbose_name_plural = _("writers' publishers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["writer", "publisher"], name="publisher_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.writer} → {self.publisher}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TerritoryShare(models.Model):
    """A controlled interested party's collection shares in a territory (CWR's SPT and SWT records):
    included or excluded, by the territory's CISAC TIS code, in the order the source gave them."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="territory_shares")
    contributor = models.ForeignKey(
        WorkContributor, on_delete=models.CASCADE, related_name="territories", verbose_name=_("contributor")
    )
    sequence = models.PositiveSmallIntegerField(_("order"), default=1)
    included = models.BooleanField(_("territory included"), default=True)
    tis = models.PositiveSmallIntegerField(_("territory (TIS code)"))
    pr_collection = models.DecimalField(
        _("PR collection share, %"), max_digits=5, decimal_places=2, default=0
    )
    mr_collection = models.DecimalField(
        _("MR collection share, %"), max_digits=5, decimal_places=2, default=0
    )
    sr_collection = models.DecimalField(
        _("SR collection share, %"), max_digits=5, decimal_places=2, default=0
    )
    shares_change = models.BooleanField(_("shares change when sub-published"), default=False)

    class Meta:
        verbose_name = _("territory of collection")
        verbose_name_plural = _("territories of collection")
        ordering = ["contributor_id", "sequence", "id"]
        constraints = [
            models.CheckConstraint(
                name="territory_share_range",
                condition=Q(pr_collection__gte=0, pr_collection__lte=100)
                & Q(mr_collection__gte=0, mr_collection__lte=100)
                & Q(sr_collection__gte=0, sr_collection__lte=100),
            ),
            models.CheckConstraint(name="territory_tis_code", condition=Q(tis__lte=9999)),
        ]

    def __str__(self) -> str:
        return f"{self.contributor} {'+' if self.included else '-'}{self.tis}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class EmbodiedWork(models.Model):
    """A recording (or performance, or audiovisual work) embodies a musical or literary work."""

    recording = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="embodied_links", verbose_name=_("recording")
    )
    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, related_name="recording_links", verbose_name=_("embodied work")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recording", "work"], name="embodied_work_unique"),
            models.CheckConstraint(name="embodied_work_not_self", condition=~Q(recording=models.F("work"))),
        ]

    def __str__(self) -> str:
        return f"{self.recording} → {self.work}"


class SearchWord(models.Model):
    """A word of the works' search texts with its search key and the number of works it is in.

    Kept by the triggers on :class:`Work` (see :mod:`registers.vocabulary`); never written by code.
    """

    word = models.TextField(primary_key=True, db_collation="C")  # "C": a prefix is a range of the index
    folded = models.TextField(db_collation="C")
    #: No CHECK (>= 0): the vocabulary's upsert proposes negative counts before it merges them.
    frequency = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["folded"], name="searchword_folded")]

    def __str__(self) -> str:
        return self.word


class SearchDeletion(models.Model):
    """One string of the deletion neighbourhood (the word less at most one letter) of a search key or
    of a Cyrillic word folded (``folded``)."""

    pk = models.CompositePrimaryKey("deletion", "folded")
    deletion = models.TextField(db_collation="C")
    folded = models.TextField(db_collation="C")

    class Meta:
        indexes = [models.Index(fields=["folded"], name="searchdeletion_folded")]

    def __str__(self) -> str:
        return f"{self.deletion} → {self.folded}"
