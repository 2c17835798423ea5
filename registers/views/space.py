from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from udp.accounts.decorators import licensee_required


@licensee_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registers/space/home.html")
