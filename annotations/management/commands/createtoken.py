from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

User = get_user_model()


class Command(BaseCommand):
    help = "Print the API token of a user (creating it if needed) as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--reset", action="store_true", help="revoke the current token and make a new one"
        )

    def handle(self, *args, name: str, reset: bool, **options):
        try:
            user = User.objects.get(username=name)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {name!r}; create one with adduser.") from exc
        if reset:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(
            f"API token for {name} ({user.role}); send it as 'Authorization: Token KEY'"
        )
        self.stdout.write(token.key)
