"""Who may do what. Analysts read; editors and admins also write; admins manage."""

from __future__ import annotations

from rest_framework import permissions


def can_edit(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "can_edit", False))


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == "admin")


class ReadAnyRoleWriteEditors(permissions.BasePermission):
    """Every signed-in role reads; only editors and admins write."""

    message = "Your role may read but not change annotations; editors and admins may."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit(request.user)


class AdminsOnly(permissions.BasePermission):
    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)
