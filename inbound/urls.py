from django.contrib.auth.decorators import login_not_required
from django.urls import path

from inbound.webhooks import inbound_webhook_patterns

app_name = "inbound"

# ESP inbound mail: /eingang/webhooks/anymail/<esp>/inbound/ (anymail authenticates)
urlpatterns = [
    path(p["route"], login_not_required(p["view"]), name=p["name"])
    for p in inbound_webhook_patterns()
]
