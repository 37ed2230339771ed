"""What a request for a download (reports/downloads.py) may carry: the page's hidden fields."""

from django import forms

from .models import CabinetReport, Download

QUERY_MAX = 2000


class DownloadRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=Download.Kind.choices)
    query = forms.CharField(required=False, max_length=QUERY_MAX, strip=False)
    report = forms.ModelChoiceField(queryset=CabinetReport.objects.all(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Download.Kind.REPORT_PDF:
            data["query"] = ""  # a report's PDF takes no filters
        else:
            data["report"] = None
        return data
