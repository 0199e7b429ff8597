/**
 * A client of the running local stack, shared by the tools ({@code demo}, {@code eval}, {@code
 * bench}): {@link io.distillery.tools.stack.Stack} bundles the services' REST APIs ({@link
 * io.distillery.tools.stack.IngestClient}, {@link io.distillery.tools.stack.TeacherClient}, {@link
 * io.distillery.tools.stack.TrainerClient}, {@link io.distillery.tools.stack.InferenceClient}),
 * every event on Kafka ({@link io.distillery.tools.stack.EventStream}: wait for an event by type
 * and predicate with a timeout, fail early on a failed job or a dead letter) and the objects in S3
 * ({@link io.distillery.tools.stack.StackObjects}). Errors are typed: {@link
 * io.distillery.tools.stack.ServiceCallException} (a REST call, with the service's problem detail),
 * {@link io.distillery.tools.stack.EventTimeoutException} (what did not arrive, what did).
 */
package io.distillery.tools.stack;
