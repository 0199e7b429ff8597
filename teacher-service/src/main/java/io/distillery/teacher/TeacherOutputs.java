package io.distillery.teacher;

/**
 * What one teacher run on one volume produces.
 *
 * @param softLabels the stored probability channels
 * @param features the declared feature map, or null when the teacher declares none
 */
public record TeacherOutputs(SoftLabels softLabels, TeacherFeatures features) {}
