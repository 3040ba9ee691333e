from django.urls import path

from .views import (
    articles,
    deleted,
    directory,
    entities,
    history,
    jobs,
    quotes,
    revisions,
    transfer,
    workflow,
)

app_name = "annotations"

urlpatterns = [
    path("", articles.article_list, name="article-list"),
    path("articles/add/", articles.article_create, name="article-create"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path(
        "articles/<int:pk>/annotations.jsonld",
        transfer.article_annotations_jsonld,
        name="article-annotations",
    ),
    path("import/", transfer.import_page, name="import"),
    path("export/articles.jsonl", transfer.export_articles_jsonl, name="export-articles"),
    path("articles/<int:pk>/status/", articles.article_status, name="article-status"),
    path("articles/<int:pk>/text/", revisions.article_text, name="article-text"),
    path("articles/<int:pk>/revisions/", revisions.article_revisions, name="article-revisions"),
    path(
        "quotes/<int:pk>/confirm-anchoring/",
        revisions.quote_confirm_anchoring,
        name="quote-confirm-anchoring",
    ),
    path("articles/<int:pk>/suggest/", articles.article_suggest, name="article-suggest"),
    path("articles/<int:pk>/quotes/new/", quotes.quote_new, name="quote-new"),
    path("articles/<int:pk>/quotes/", quotes.quote_create, name="quote-create"),
    path("articles/<int:pk>/quotes/entries/", quotes.quote_entries, name="quote-entries"),
    path("quotes/<int:pk>/edit/", quotes.quote_edit, name="quote-edit"),
    path("quotes/<int:pk>/update/", quotes.quote_update, name="quote-update"),
    path("quotes/<int:pk>/fragments/", quotes.quote_add_fragment, name="quote-add-fragment"),
    path("quotes/<int:pk>/delete/", quotes.quote_delete, name="quote-delete"),
    path("quotes/<int:pk>/restore/", quotes.quote_restore, name="quote-restore"),
    path("quotes/<int:pk>/accept/", quotes.quote_accept, name="quote-accept"),
    path("quotes/<int:pk>/reject/", quotes.quote_reject, name="quote-reject"),
    path("articles/next/", workflow.article_next, name="article-next"),
    path("articles/<int:pk>/take/", workflow.article_take, name="article-take"),
    path("articles/<int:pk>/assign/", workflow.article_assign, name="article-assign"),
    path("articles/<int:pk>/review/", workflow.article_review, name="article-review"),
    path("articles/<int:pk>/bulk/", workflow.article_bulk, name="article-bulk"),
    path("articles/<int:pk>/undo/", workflow.article_undo, name="article-undo"),
    path("articles/<int:pk>/agreement/", workflow.agreement_page, name="agreement"),
    path("articles/<int:pk>/agreement/start/", workflow.agreement_start, name="agreement-start"),
    path("articles/<int:pk>/agreement/done/", workflow.agreement_done, name="agreement-done"),
    path("articles/<int:pk>/agreement/settle/", workflow.agreement_settle, name="agreement-settle"),
    path("articles/<int:pk>/history/", history.article_history, name="article-history"),
    path(
        "quotes/<int:pk>/history/<int:history_id>/restore/",
        history.quote_history_restore,
        name="quote-history-restore",
    ),
    path("boilerplate/<int:pk>/confirm/", quotes.boilerplate_confirm, name="boilerplate-confirm"),
    path("boilerplate/<int:pk>/reject/", quotes.boilerplate_reject, name="boilerplate-reject"),
    path("via-row/", quotes.via_row, name="via-row"),
    path("speakers/", directory.speaker_list, name="speaker-list"),
    path("speakers/options/", quotes.speaker_options, name="speaker-options"),
    path("names/options/", quotes.name_options, name="name-options"),
    path("speakers/<int:pk>/", directory.speaker_detail, name="speaker-detail"),
    path("outlets/", directory.outlet_list, name="outlet-list"),
    path("outlets/<int:pk>/", directory.outlet_detail, name="outlet-detail"),
    path("jobs/", jobs.job_list, name="job-list"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.job_cancel, name="job-cancel"),
    path("jobs/<int:pk>/rerun/", jobs.job_rerun, name="job-rerun"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job-download"),
    path("jobs/suggest/", jobs.suggest_articles, name="job-suggest"),
    path("jobs/export/", jobs.export_articles_job, name="job-export"),
    path("merges/<int:pk>/undo/", entities.merge_undo, name="merge-undo"),
    path("deleted/", deleted.deleted_list, name="deleted"),
    path("deleted/<str:kind>/<int:pk>/restore/", deleted.deleted_restore, name="deleted-restore"),
]

# Duplicates, merges, renames and aliases: the same views for speakers and for outlets.
for kind, plural in (("speaker", "speakers"), ("outlet", "outlets")):
    urlpatterns += [
        path(
            f"{plural}/duplicates/",
            entities.duplicate_list,
            {"kind": kind},
            name=f"{kind}-duplicates",
        ),
        path(
            f"{plural}/duplicates/<int:first>-<int:second>/",
            entities.duplicate_compare,
            {"kind": kind},
            name=f"{kind}-compare",
        ),
        path(
            f"{plural}/distinct/", entities.entity_distinct, {"kind": kind}, name=f"{kind}-distinct"
        ),
        path(f"{plural}/<int:pk>/edit/", entities.entity_edit, {"kind": kind}, name=f"{kind}-edit"),
        path(
            f"{plural}/<int:pk>/merge/", entities.entity_merge, {"kind": kind}, name=f"{kind}-merge"
        ),
        path(
            f"{plural}/<int:pk>/revert/<int:history_id>/",
            entities.entity_revert,
            {"kind": kind},
            name=f"{kind}-revert",
        ),
        path(
            f"{plural}/<int:pk>/aliases/",
            entities.alias_add,
            {"kind": kind},
            name=f"{kind}-alias-add",
        ),
        path(
            f"{plural}/<int:pk>/aliases/<int:alias_pk>/delete/",
            entities.alias_remove,
            {"kind": kind},
            name=f"{kind}-alias-remove",
        ),
    ]
