from __future__ import annotations

from typing import Any

from rest_framework import serializers

from udp.notices.models import Notice


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    message = serializers.CharField(read_only=True, help_text="in the language of the request")
    unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "code", "params", "message", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="how many notices were unread")
