from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin as BaseHistoryAdmin

from .models import (
    Article,
    BoilerplateRange,
    Fragment,
    Merge,
    Outlet,
    OutletAlias,
    Quote,
    Revision,
    Speaker,
    SpeakerAlias,
    User,
    ViaHop,
)


class SimpleHistoryAdmin(BaseHistoryAdmin):
    """django-simple-history's admin, whose history page answers 404 for an id that is not
    one (``1%00``) instead of passing it to the database."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404("No such row.") from None
        return super().history_view(request, object_id, extra_context)


@admin.register(User)
class NewsdeskUserAdmin(UserAdmin):
    list_display = ["username", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("Newsdesk", {"fields": ["role"]})]
    add_fieldsets = [*UserAdmin.add_fieldsets, ("Newsdesk", {"fields": ["role"]})]


def merge_action(model_label: str):
    """An admin action that folds the selected rows into the one the admin picks."""

    @admin.action(description=f"Merge selected {model_label}s into one")
    def merge(modeladmin, request, queryset):
        rows = list(queryset.order_by("pk"))
        if len(rows) < 2:
            modeladmin.message_user(request, "Select at least two to merge.", messages.WARNING)
            return None
        survivor_id = request.POST.get("survivor")
        if survivor_id and request.POST.get("confirm") == "yes":
            survivor = next((r for r in rows if str(r.pk) == survivor_id), None)
            if survivor is None:
                modeladmin.message_user(request, "Pick one of the selected rows.", messages.ERROR)
                return None
            try:
                with transaction.atomic():
                    for row in rows:
                        if row.pk != survivor.pk:
                            survivor.merge(row, by=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            modeladmin.message_user(
                request,
                f"Merged {len(rows) - 1} into {survivor}; each merge can be undone from "
                f"{survivor}'s page.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/annotations/merge.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"Merge {model_label}s",
                "rows": rows,
                "opts": modeladmin.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    return merge


class SoftDeleteAdmin(SimpleHistoryAdmin):
    """Deleting here is a soft delete (the row waits to be restored, with who and when);
    deleted rows are listed under the "deleted" filter and restored by an action."""

    def get_queryset(self, request):
        qs = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def get_list_filter(self, request):
        return [("deleted_at", admin.EmptyFieldListFilter), *super().get_list_filter(request)]

    def delete_model(self, request, obj):
        obj.soft_delete(by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for row in queryset:
                row.soft_delete(by=request.user)

    @admin.action(description="Restore the selected deleted rows")
    def restore_rows(self, request, queryset):
        with transaction.atomic():
            for row in queryset.filter(deleted_at__isnull=False):
                row.restore(by=request.user)


class OutletAliasInline(admin.TabularInline):
    model = OutletAlias
    extra = 1


@admin.register(Outlet)
class OutletAdmin(SoftDeleteAdmin):
    list_display = ["name", "kind", "home_page", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    inlines = [OutletAliasInline]
    actions = [merge_action("outlet"), "restore_rows"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_articles=Count("articles"))

    @admin.display(ordering="_articles", description="articles")
    def article_count(self, obj):
        return obj._articles

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(SoftDeleteAdmin):
    list_display = ["name", "kind", "role", "affiliation", "alias_list", "quote_count"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name", "role", "affiliation", "wikidata_id"]
    inlines = [SpeakerAliasInline]
    actions = [merge_action("speaker"), "restore_rows"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_quotes=Count("quotes", filter=Q(quotes__deleted_at__isnull=True)))
            .prefetch_related("aliases")
        )

    @admin.display(ordering="_quotes", description="quotes")
    def quote_count(self, obj):
        return obj._quotes

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(a.name for a in obj.aliases.all())

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)


class BoilerplateInline(admin.TabularInline):
    model = BoilerplateRange
    extra = 0


class QuoteInline(admin.TabularInline):
    model = Quote
    fields = ["start", "end", "kind", "status", "speaker", "cue", "text"]
    readonly_fields = ["start", "end", "text"]
    autocomplete_fields = ["speaker"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # A quote needs fragments; it is made on the article page or in the quote admin.
        return False


class RevisionInline(admin.TabularInline):
    """The body's versions, read only: a change of the body in the form above makes the
    next one, and the quotes follow the text."""

    model = Revision
    fields = ["number", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(SoftDeleteAdmin):
    list_display = [
        "title",
        "publisher",
        "published_at",
        "status",
        "quote_count",
        "suggested_count",
    ]
    list_filter = ["status", "publisher", "language", "published_at"]
    search_fields = ["title", "body", "url", "byline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["publisher"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    inlines = [BoilerplateInline, QuoteInline, RevisionInline]
    actions = ["restore_rows"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts().select_related("publisher")

    @admin.display(ordering="quote_count", description="quotes")
    def quote_count(self, obj):
        return obj.quote_count

    @admin.display(ordering="suggested_count", description="suggested")
    def suggested_count(self, obj):
        return obj.suggested_count

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)


class FragmentInline(admin.TabularInline):
    model = Fragment
    extra = 0
    readonly_fields = ["start", "end", "text"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ViaHopInline(admin.TabularInline):
    model = ViaHop
    extra = 0
    autocomplete_fields = ["outlet", "speaker"]


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    list_display = ["text_short", "kind", "status", "speaker", "cue", "article", "deleted_at"]
    list_filter = [
        "kind",
        "status",
        "anchoring",
        ("deleted_at", admin.EmptyFieldListFilter),
        "article__publisher",
    ]
    search_fields = ["text", "speaker__name", "speaker__aliases__name", "cue", "article__title"]
    autocomplete_fields = ["speaker"]
    list_select_related = ["speaker", "article"]
    readonly_fields = [
        "article",
        "start",
        "end",
        "text",
        "version",
        "anchoring",
        "revision",
        "previous_text",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "deleted_at",
        "deleted_by",
    ]
    inlines = [FragmentInline, ViaHopInline]
    actions = ["restore_quotes"]

    def get_queryset(self, request):
        return Quote.all_objects.select_related("speaker", "article")

    @admin.display(description="text")
    def text_short(self, obj):
        return str(obj)

    @admin.action(description="Restore selected deleted quotes")
    def restore_quotes(self, request, queryset):
        for quote in queryset.filter(deleted_at__isnull=False):
            quote.restore(by=request.user)

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        obj.soft_delete(by=request.user)

    def delete_queryset(self, request, queryset):
        for quote in queryset:
            quote.soft_delete(by=request.user)

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        obj.version += 1
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            obj.settle_proposals(form.initial.get("status"))


admin.site.site_header = "Newsdesk administration"
admin.site.site_title = "Newsdesk admin"


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    """Merges are made and undone on the speaker and outlet pages; here they are read."""

    list_display = ["kind", "loser_name", "survivor_name", "merged_at", "merged_by", "undone_at"]
    list_filter = ["kind"]
    search_fields = ["loser_name", "survivor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
