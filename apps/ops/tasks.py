"""The workers' heartbeat: beat queues it every minute, a worker records that it ran it."""

from celery import shared_task

from . import services


@shared_task(bind=True, ignore_result=True)
def heartbeat(self) -> None:
    services.record_heartbeat(worker=self.request.hostname or "in-process")
