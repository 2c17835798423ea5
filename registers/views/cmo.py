from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from udp.accounts.decorators import cmo_required


@cmo_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registers/cmo/home.html")
