package io.distillery.teacher;

import java.time.Instant;

/**
 * Progress of a back-fill: one teacher version run over every ingested volume.
 *
 * @param backfillId id of this back-fill
 * @param teacherId the teacher
 * @param version the teacher version back-filled (the latest when it started)
 * @param state {@code RUNNING}, {@code COMPLETED} or {@code FAILED}
 * @param volumes ingested volumes found
 * @param produced volumes the teacher ran on
 * @param alreadyDone volumes whose outputs existed (announced now if they had not been)
 * @param notApplicable volumes outside the teacher's modality/dataset policy
 * @param failed volumes that failed (see the log)
 * @param error why the back-fill stopped, when FAILED
 * @param startedAt start
 * @param finishedAt end, or null while running
 */
public record BackfillStatus(
    String backfillId,
    String teacherId,
    String version,
    String state,
    int volumes,
    int produced,
    int alreadyDone,
    int notApplicable,
    int failed,
    String error,
    Instant startedAt,
    Instant finishedAt) {}
