"""Records of the oversight app for the tests: one of each kind where a test needs it, written
straight to the database (the services are what the tests exercise)."""

from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import InspectionGroup
from elections.models import Campaign, Township, Village
from oversight.models import (
    InspectionVisit,
    Risk,
    RiskStatus,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def risk(village: Village, campaign: Campaign, **fields: object) -> Risk:
    values = {
        "category": "land",
        "level": "medium",
        "description": "村民小组之间土地承包调整纠纷",
        "owner": "王建国",
        "status": RiskStatus.OPEN,
        "found_on": days_ago(20),
    } | fields
    return Risk.objects.create(village=village, campaign=campaign, **values)


def adjustment(village: Village, campaign: Campaign, **fields: object) -> SecretaryAdjustment:
    values = {
        "adjusted_on": days_ago(10),
        "previous_secretary": "李四",
        "new_secretary": "张三",
        "reason": "weak",
        "approved_by": "甲一镇党委",
    } | fields
    return SecretaryAdjustment.objects.create(village=village, campaign=campaign, **values)


def visit(group: InspectionGroup, township: Township, **fields: object) -> InspectionVisit:
    values = {"visited_on": days_ago(5), "findings": "公推大会现场秩序良好"} | fields
    return InspectionVisit.objects.create(group=group, township=township, **values)


def training(**fields: object) -> TrainingSession:
    values = {
        "held_on": days_ago(30),
        "level": TrainingLevel.CITY,
        "title": "换届业务培训",
        "participants": 40,
    } | fields
    return TrainingSession.objects.create(**values)


def township_training(township: Township, **fields: object) -> TrainingSession:
    return training(
        level=TrainingLevel.TOWNSHIP, township=township, county_id=township.county_id, **fields
    )


def xlsx(sheet: str, headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    workbook.active.title = sheet
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
