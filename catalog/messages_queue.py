"""The texts of the job queue on PostgreSQL (``syndicator worker``, ``jobs``, ``sync --queue``), in the one
catalogue of ``catalog/i18n.py``."""

QUEUE_MESSAGES: dict[str, dict[str, str]] = {
    "queue_needs_postgresql": {
        "vi": "Hàng đợi việc chỉ có trên PostgreSQL (SYNDICATOR_DATABASE_URL). Với SQLite, mọi việc chạy trong một "
              "tiến trình: dùng «syndicator sync» và «syndicator schedule».",
        "en": "The job queue needs PostgreSQL (SYNDICATOR_DATABASE_URL). On SQLite everything runs in one process: "
              "use «syndicator sync» and «syndicator schedule».",
    },
    "queue_deferred": {
        "vi": "Đã xếp {n} việc đồng bộ vào hàng đợi ({waiting} gian hàng đã có việc đang chờ).",
        "en": "Queued {n} sync jobs ({waiting} shops already had one waiting).",
    },
    "queue_worker_started": {
        "vi": "Worker đang chạy (hàng đợi: {queues}; {concurrency} việc cùng lúc). Dừng: Ctrl+C hoặc SIGTERM.",
        "en": "Worker running (queues: {queues}; {concurrency} jobs at once). Stop: Ctrl+C or SIGTERM.",
    },
    "queue_all": {"vi": "tất cả", "en": "all"},
    "queue_schedule_in_workers": {
        "vi": "Trên PostgreSQL, lịch đồng bộ chạy trong các worker (mỗi kỳ một lần, dù có bao nhiêu worker). "
              "Lệnh này chạy một worker.",
        "en": "On PostgreSQL the schedule runs inside the workers (once per period, however many). "
              "This command runs one worker.",
    },
    "jobs_title": {"vi": "Hàng đợi việc", "en": "Job queue"},
    "jobs_col_queue": {"vi": "Hàng đợi", "en": "Queue"},
    "jobs_col_waiting": {"vi": "Đang chờ", "en": "Waiting"},
    "jobs_col_running": {"vi": "Đang chạy", "en": "Running"},
    "jobs_col_failed": {"vi": "Thất bại", "en": "Failed"},
    "jobs_col_id": {"vi": "Mã việc", "en": "Job"},
    "jobs_col_task": {"vi": "Việc", "en": "Task"},
    "jobs_col_args": {"vi": "Tham số", "en": "Arguments"},
    "jobs_col_attempts": {"vi": "Lần thử", "en": "Attempts"},
    "jobs_col_error": {"vi": "Lỗi", "en": "Error"},
    "jobs_running_title": {"vi": "Việc đang chạy", "en": "Running jobs"},
    "jobs_failed_title": {"vi": "Việc thất bại", "en": "Failed jobs"},
    "jobs_none_failed": {"vi": "Không có việc nào thất bại.", "en": "No failed job."},
    "jobs_retried": {"vi": "Đã xếp lại việc #{id}.", "en": "Job #{id} queued again."},
    "jobs_not_failed": {
        "vi": "Không có việc thất bại mã #{id}.",
        "en": "No failed job #{id}.",
    },
}
