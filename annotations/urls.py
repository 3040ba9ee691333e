from django.urls import path

from . import job_views, views

app_name = "annotations"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/add/", views.article_create, name="article-create"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path(
        "articles/<int:pk>/annotations.jsonld",
        views.article_annotations_jsonld,
        name="article-annotations",
    ),
    path("import/", views.import_page, name="import"),
    path("export/articles.jsonl", views.export_articles_jsonl, name="export-articles"),
    path("articles/<int:pk>/status/", views.article_status, name="article-status"),
    path("articles/<int:pk>/text/", views.article_text, name="article-text"),
    path("articles/<int:pk>/revisions/", views.article_revisions, name="article-revisions"),
    path(
        "quotes/<int:pk>/confirm-anchoring/",
        views.quote_confirm_anchoring,
        name="quote-confirm-anchoring",
    ),
    path("articles/<int:pk>/suggest/", views.article_suggest, name="article-suggest"),
    path("articles/<int:pk>/quotes/new/", views.quote_new, name="quote-new"),
    path("articles/<int:pk>/quotes/", views.quote_create, name="quote-create"),
    path("quotes/<int:pk>/edit/", views.quote_edit, name="quote-edit"),
    path("quotes/<int:pk>/update/", views.quote_update, name="quote-update"),
    path("quotes/<int:pk>/fragments/", views.quote_add_fragment, name="quote-add-fragment"),
    path("quotes/<int:pk>/delete/", views.quote_delete, name="quote-delete"),
    path("quotes/<int:pk>/restore/", views.quote_restore, name="quote-restore"),
    path("quotes/<int:pk>/accept/", views.quote_accept, name="quote-accept"),
    path("quotes/<int:pk>/reject/", views.quote_reject, name="quote-reject"),
    path("articles/next/", views.article_next, name="article-next"),
    path("articles/<int:pk>/take/", views.article_take, name="article-take"),
    path("articles/<int:pk>/assign/", views.article_assign, name="article-assign"),
    path("articles/<int:pk>/review/", views.article_review, name="article-review"),
    path("articles/<int:pk>/bulk/", views.article_bulk, name="article-bulk"),
    path("articles/<int:pk>/undo/", views.article_undo, name="article-undo"),
    path("articles/<int:pk>/agreement/", views.agreement_page, name="agreement"),
    path("articles/<int:pk>/agreement/start/", views.agreement_start, name="agreement-start"),
    path("articles/<int:pk>/agreement/done/", views.agreement_done, name="agreement-done"),
    path("articles/<int:pk>/agreement/settle/", views.agreement_settle, name="agreement-settle"),
    path("articles/<int:pk>/history/", views.article_history, name="article-history"),
    path(
        "quotes/<int:pk>/history/<int:history_id>/restore/",
        views.quote_history_restore,
        name="quote-history-restore",
    ),
    path("boilerplate/<int:pk>/confirm/", views.boilerplate_confirm, name="boilerplate-confirm"),
    path("boilerplate/<int:pk>/reject/", views.boilerplate_reject, name="boilerplate-reject"),
    path("via-row/", views.via_row, name="via-row"),
    path("speakers/", views.speaker_list, name="speaker-list"),
    path("speakers/options/", views.speaker_options, name="speaker-options"),
    path("names/options/", views.name_options, name="name-options"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker-detail"),
    path("outlets/", views.outlet_list, name="outlet-list"),
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet-detail"),
    path("jobs/", job_views.job_list, name="job-list"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/cancel/", job_views.job_cancel, name="job-cancel"),
    path("jobs/<int:pk>/rerun/", job_views.job_rerun, name="job-rerun"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job-download"),
    path("jobs/suggest/", job_views.suggest_articles, name="job-suggest"),
    path("jobs/export/", job_views.export_articles_job, name="job-export"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge-undo"),
    path("deleted/", views.deleted_list, name="deleted"),
    path("deleted/<str:kind>/<int:pk>/restore/", views.deleted_restore, name="deleted-restore"),
]

# Duplicates, merges, renames and aliases: the same views for speakers and for outlets.
for kind, plural in (("speaker", "speakers"), ("outlet", "outlets")):
    urlpatterns += [
        path(
            f"{plural}/duplicates/",
            views.duplicate_list,
            {"kind": kind},
            name=f"{kind}-duplicates",
        ),
        path(
            f"{plural}/duplicates/<int:first>-<int:second>/",
            views.duplicate_compare,
            {"kind": kind},
            name=f"{kind}-compare",
        ),
        path(f"{plural}/distinct/", views.entity_distinct, {"kind": kind}, name=f"{kind}-distinct"),
        path(f"{plural}/<int:pk>/edit/", views.entity_edit, {"kind": kind}, name=f"{kind}-edit"),
        path(f"{plural}/<int:pk>/merge/", views.entity_merge, {"kind": kind}, name=f"{kind}-merge"),
        path(
            f"{plural}/<int:pk>/revert/<int:history_id>/",
            views.entity_revert,
            {"kind": kind},
            name=f"{kind}-revert",
        ),
        path(
            f"{plural}/<int:pk>/aliases/",
            views.alias_add,
            {"kind": kind},
            name=f"{kind}-alias-add",
        ),
        path(
            f"{plural}/<int:pk>/aliases/<int:alias_pk>/delete/",
            views.alias_remove,
            {"kind": kind},
            name=f"{kind}-alias-remove",
        ),
    ]
