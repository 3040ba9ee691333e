from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

User = get_user_model()


class Command(BaseCommand):
    help = "Create a user with a role, or change the role and password of an existing one."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=[r.value for r in User.Role])
        parser.add_argument("--password", help="without it the user cannot sign in by password")
        parser.add_argument("--email", default="")

    def handle(self, *args, name: str, role: str, password: str | None, email: str, **options):
        user = User.objects.filter(username=name).first()
        created = user is None
        if created:
            user = User(username=name, email=email)
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.role = role
        user.is_superuser = role == User.Role.ADMIN
        user.save()
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {role} {name!r}.")
