from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from udp.accounts.decorators import holder_required


@holder_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registers/portal/home.html")
