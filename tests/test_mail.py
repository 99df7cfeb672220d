"""Mail to the newsroom through a real SMTP server that the test starts (aiosmtpd): publishers
are told of a submission, contributors of the decision, each in their own admin language, with
a link; a mail server that is down never fails a save."""

import email
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from core.models import Profile, Review
from core.roles import EDITOR, PUBLISHER

from .admin_forms import change_url, posted
from .factories import ArticleFactory
from .test_review import person


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def reader(role, name, address, language):
    client = person(role, name)
    client.user.email = address
    client.user.save()
    Profile.objects.create(user=client.user, admin_language=language)
    return client


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def body(message):
    return message.get_payload(decode=True).decode(message.get_content_charset())


@pytest.mark.django_db
def test_a_submission_and_its_decision_are_mailed_in_each_readers_language(
    smtp, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title_en="Botnet dismantled", slug="botnet")
    eve = reader(EDITOR, "Eve", "eve@example.org", "ar")
    reader(PUBLISHER, "Paul", "paul@example.org", "fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = eve.post(
            change_url(article), posted(eve, change_url(article), title_en="Botnet taken down")
        )
    assert response.status_code == 302
    [to_paul] = smtp.messages
    assert to_paul["To"] == "paul@example.org"
    assert subject(to_paul).startswith("[CyberWatch] À relire")  # French, his admin language
    assert "Botnet taken down" in subject(to_paul)
    text = body(to_paul)
    assert "Bonjour Paul" in text and "Eve a proposé une modification" in text
    review_link = "http://testserver" + reverse("admin:news_article_review", args=[article.pk])
    assert review_link in text

    review = Review.objects.get(object_id=article.pk)
    paul = person(PUBLISHER, "Pia")
    with django_capture_on_commit_callbacks(execute=True):
        paul.post(
            reverse("admin:news_article_review", args=[article.pk]),
            {"review": review.pk, "decision": "reject", "comment": "Source ?"},
        )
    to_eve = smtp.messages[-1]
    assert to_eve["To"] == "eve@example.org"
    assert subject(to_eve).startswith("[CyberWatch] ")
    assert "Botnet taken down" in subject(to_eve)
    assert "مرحبا" in body(to_eve)  # Arabic, her admin language
    assert "Source ?" in body(to_eve)


@pytest.mark.django_db
def test_a_mail_server_that_is_down_never_fails_the_save(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    article = ArticleFactory(title_en="Botnet dismantled", slug="botnet")
    reader(PUBLISHER, "Paul", "paul@example.org", "en")
    eve = person(EDITOR, "Eve")
    with django_capture_on_commit_callbacks(execute=True):
        response = eve.post(
            change_url(article), posted(eve, change_url(article), title_en="Botnet taken down")
        )
    assert response.status_code == 302
    assert Review.objects.filter(object_id=article.pk, state="pending").exists()
    assert "Error calling" in caplog.text  # logged by on_commit(robust=True)
