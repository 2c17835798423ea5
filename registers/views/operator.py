from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from udp.accounts.decorators import operator_required


@operator_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registers/operator/home.html")
