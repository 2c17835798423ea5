from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from udp.accounts.decorators import regulator_required


@regulator_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registers/regulator/home.html")
