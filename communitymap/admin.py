from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from communitymap.models import Affiliation, Organization, Person


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agency", "partner_type", "stance", "status"]
    list_filter = ["agency", "partner_type", "stance", "status"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "agency", "email"]
    list_filter = ["agency"]
    search_fields = ["full_name", "email"]


@admin.register(Affiliation)
class AffiliationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "organization", "role_title", "start_date", "end_date"]
    list_filter = ["agency"]
