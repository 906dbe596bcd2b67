# Reference values for tests/stats/test_design.py: time-to-event trial design, from rpact.
#
# Run:  cd tests/reference && Rscript design.R   (writes design.json beside this script)
#
# Every value is rpact's own unrounded field: `$eventsFixed`, `$nFixed`, `$nFixed1`,
# `$nFixed2` of getSampleSizeSurvival() and `$overallReject` of getPowerSurvival().
# rpact 3.3.4 rounds none of them (its print/summary only show one decimal).
#
# Conventions checked here (see explorer/stats/design.py):
# * alpha is the total alpha; sided = 2 puts alpha / 2 in each tail.
# * getSampleSizeSurvival() solves for the power of the tail in the hypothesised direction
#   only (its print says "Two-sided power: FALSE").
# * getPowerSurvival()$overallReject for sided = 2 adds the (tiny) opposite tail, so it is
#   exactly alpha at hazardRatio = 1.
# * getPowerSurvival() with sided = 1 tests H1: HR > 1 unless directionUpper = FALSE; we pass
#   directionUpper = (hr > 1), i.e. the one-sided test in the direction of the hypothesised HR.
# * rpact has no "detectable hazard ratio" function: it is found by uniroot() on the hazard
#   ratio, (a) so that getSampleSizeSurvival()$eventsFixed equals the given events (Schoenfeld
#   inversion, the one-tail convention of the sample size) and (b) so that
#   getPowerSurvival()$overallReject equals the target power (two tails when sided = 2).
# * Dropout: dropoutRate1 = dropoutRate2 = the probability of dropping out within
#   dropoutTime = 12 months, as an exponential hazard competing with the event.

suppressPackageStartupMessages(library(rpact))
library(jsonlite)

type_of <- function(method) if (method == "schoenfeld") "Schoenfeld" else "Freedman"

# Events only depend on hr, ratio, alpha, sides, beta and the method; lambda2 and the
# accrual are needed by the call but do not change $eventsFixed.
rpact_events <- function(hr, ratio, sides, alpha, power, method) {
  x <- getSampleSizeSurvival(
    lambda2 = log(2) / 12, hazardRatio = hr, accrualTime = c(0, 24), followUpTime = 12,
    allocationRatioPlanned = ratio, sided = sides, alpha = alpha, beta = 1 - power,
    typeOfComputation = type_of(method)
  )
  x$eventsFixed
}

rpact_power <- function(events, hr, ratio, sides, alpha, method) {
  design <- getDesignGroupSequential(kMax = 1, alpha = alpha, sided = sides)
  x <- getPowerSurvival(
    design, lambda2 = log(2) / 12, hazardRatio = hr, maxNumberOfEvents = events,
    maxNumberOfSubjects = 10 * events, accrualTime = c(0, 24),
    allocationRatioPlanned = ratio, typeOfComputation = type_of(method),
    directionUpper = if (sides == 1) hr > 1 else NA
  )
  x$overallReject
}

# ---- events_required: getSampleSizeSurvival()$eventsFixed --------------------------------
events <- list()
for (method in c("schoenfeld", "freedman")) {
  for (hr in c(0.59, 0.7, 0.8, 1.25)) {
    for (ratio in c(1, 2, 0.5)) {
      for (sides in c(1, 2)) {
        settings <- list(c(0.05, 0.8), c(0.025, 0.9))
        for (ap in settings) {
          events[[length(events) + 1]] <- list(
            hr = hr, ratio = ratio, sides = sides, alpha = ap[1], power = ap[2],
            method = method,
            events = rpact_events(hr, ratio, sides, ap[1], ap[2], method)
          )
        }
      }
    }
  }
}

# ---- power: getPowerSurvival()$overallReject ----------------------------------------------
power <- list()
for (method in c("schoenfeld", "freedman")) {
  for (d in c(155, 300)) {
    for (hr in c(0.59, 0.7, 0.8, 1, 1.25)) {
      for (ratio in c(1, 2, 0.5)) {
        for (sides in c(1, 2)) {
          power[[length(power) + 1]] <- list(
            events = d, hr = hr, ratio = ratio, sides = sides, alpha = 0.05, method = method,
            power = rpact_power(d, hr, ratio, sides, 0.05, method)
          )
        }
      }
    }
  }
}
# A non-default alpha
for (sides in c(1, 2)) {
  power[[length(power) + 1]] <- list(
    events = 250, hr = 0.75, ratio = 1.5, sides = sides, alpha = 0.025, method = "schoenfeld",
    power = rpact_power(250, 0.75, 1.5, sides, 0.025, "schoenfeld")
  )
}

# ---- detectable_hr: uniroot() on rpact -----------------------------------------------------
detectable <- list()
for (d in c(155, 300, 500)) {
  for (ratio in c(1, 2, 0.5)) {
    for (sides in c(1, 2)) {
      for (ap in list(c(0.05, 0.8), c(0.025, 0.9))) {
        alpha <- ap[1]
        pw <- ap[2]
        by_events <- uniroot(
          function(loghr) rpact_events(exp(loghr), ratio, sides, alpha, pw, "schoenfeld") - d,
          interval = c(log(0.05), log(0.99)), tol = 1e-14
        )$root
        by_power <- uniroot(
          function(loghr) rpact_power(d, exp(loghr), ratio, sides, alpha, "schoenfeld") - pw,
          interval = c(log(0.05), log(0.99)), tol = 1e-14
        )$root
        detectable[[length(detectable) + 1]] <- list(
          events = d, ratio = ratio, sides = sides, alpha = alpha, power = pw,
          hr = exp(by_events), hr_power_inversion = exp(by_power)
        )
      }
    }
  }
}

# ---- sample_size: getSampleSizeSurvival() with exponential survival and uniform accrual ----
cases <- list(
  list(name = "PALMIRA", hr = 0.59, control_median = 3.6, accrual_time = 42, follow_up = 6,
       ratio = 2, sides = 2, alpha = 0.05, power = 0.8, dropout_rate = 0, method = "schoenfeld"),
  list(name = "1:1 with 10% dropout", hr = 0.7, control_median = 12, accrual_time = 24,
       follow_up = 12, ratio = 1, sides = 2, alpha = 0.05, power = 0.8, dropout_rate = 0.1,
       method = "schoenfeld"),
  list(name = "1:2 one-sided", hr = 0.75, control_median = 9, accrual_time = 18,
       follow_up = 18, ratio = 0.5, sides = 1, alpha = 0.025, power = 0.9, dropout_rate = 0.05,
       method = "schoenfeld"),
  list(name = "PALMIRA Freedman 20% dropout", hr = 0.59, control_median = 3.6,
       accrual_time = 42, follow_up = 6, ratio = 2, sides = 2, alpha = 0.05, power = 0.8,
       dropout_rate = 0.2, method = "freedman"),
  list(name = "harm HR 1.3", hr = 1.3, control_median = 24, accrual_time = 30, follow_up = 24,
       ratio = 1, sides = 2, alpha = 0.05, power = 0.85, dropout_rate = 0.05,
       method = "schoenfeld"),
  list(name = "3:1 no minimum follow-up", hr = 0.65, control_median = 6, accrual_time = 36,
       follow_up = 0, ratio = 3, sides = 2, alpha = 0.05, power = 0.8, dropout_rate = 0,
       method = "schoenfeld")
)
sample_size <- lapply(cases, function(cs) {
  x <- getSampleSizeSurvival(
    lambda2 = log(2) / cs$control_median, hazardRatio = cs$hr,
    accrualTime = c(0, cs$accrual_time), followUpTime = cs$follow_up,
    allocationRatioPlanned = cs$ratio,
    dropoutRate1 = cs$dropout_rate, dropoutRate2 = cs$dropout_rate, dropoutTime = 12,
    sided = cs$sides, alpha = cs$alpha, beta = 1 - cs$power,
    typeOfComputation = type_of(cs$method)
  )
  c(cs, list(
    events = x$eventsFixed, n_total = x$nFixed, n_treatment = x$nFixed1,
    n_control = x$nFixed2, treatment_median = x$median1,
    accrual_intensity = x$accrualIntensity, study_duration = x$studyDuration
  ))
})

out <- list(
  generated_with = list(
    R = paste(R.version$major, R.version$minor, sep = "."),
    rpact = as.character(packageVersion("rpact"))
  ),
  events_required = events,
  power = power,
  detectable_hr = detectable,
  sample_size = sample_size
)
write_json(out, "design.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
