# Reference values for tests/stats/test_simulation.py: Monte Carlo trial simulation, from rpact.
#
# Run:  cd tests/reference && Rscript simulation.R   (writes simulation.json beside this script;
#       about a minute)
#
# rpact::getSimulationSurvival() simulates each design 100,000 times (fixed seed) and analyses
# each trial with the log-rank test at the planned number of events. Its conventions, which
# explorer.stats.simulation reproduces with entry = "even" (see docs/simulation.md):
# * one-sided tests only ("Only one-sided case is implemented for the survival simulation
#   design"): alpha = 0.025, sided = 1, directionUpper = FALSE for a benefit (HR < 1), TRUE for
#   harm; under HR = 1 the rejection rate is alpha;
# * patients enter at fixed, evenly spaced times i * accrualTime / maxNumberOfSubjects and are
#   allocated in fixed blocks (allocation1 = 2, allocation2 = 1: treatment, treatment,
#   control, ...);
# * dropout: exponential, dropoutRate1 = dropoutRate2 = probability of dropping out within
#   dropoutTime = 12 months;
# * a delayed effect is a piecewise-exponential design: piecewiseSurvivalTime gives the
#   starts of the pieces, lambda2 the control hazards and lambda1 the treatment hazards;
# * the analysis is at the calendar time of the planned event; getData() gives per trial the
#   analysis time, the events per arm, the log-rank statistic (positive in the direction
#   tested) and hazardRatioEstimateLR = exp(-+ z (1 + r) / sqrt(r D)) (Schoenfeld inverted).
# Stored: rpact's overallReject and analysisTime (mean) as printed, and summaries of the
# per-trial data (median and sd of the analysis time, of log hazardRatioEstimateLR, of the
# log-rank statistic in the sign convention z < 0 = fewer events on treatment, and of the
# treatment arm's events), from which the test derives its Monte Carlo tolerances.

suppressPackageStartupMessages(library(rpact))
library(jsonlite)

ITERATIONS <- 100000
SEED <- 20231  # design i uses SEED + i, so that the designs' Monte Carlo errors are independent
ALPHA <- 0.025
design <- getDesignGroupSequential(kMax = 1, alpha = ALPHA, sided = 1)

# PALMIRA: 198 randomised 2:1, control median PFS 3.6 months, 42 months of accrual.
palmira <- list(n_total = 198, allocation1 = 2, allocation2 = 1, control_median = 3.6,
                accrual_time = 42, dropout_rate = 0, breaks = numeric(0), events = 155, hr = 0.59)
with_changes <- function(base, ...) {
  changes <- list(...)
  for (key in names(changes)) base[[key]] <- changes[[key]]
  base
}
cases <- list(
  with_changes(palmira, name = "PALMIRA HR 0.59, 155 events"),
  with_changes(palmira, name = "PALMIRA HR 0.59, 127 events", events = 127),
  with_changes(palmira, name = "PALMIRA HR 0.8, 155 events", hr = 0.8),
  with_changes(palmira, name = "PALMIRA HR 0.8, 127 events", events = 127, hr = 0.8),
  with_changes(palmira, name = "PALMIRA HR 0.59, dropout 10% in 12 months", dropout_rate = 0.1),
  with_changes(palmira, name = "PALMIRA no effect for 3 months, then HR 0.6",
               breaks = 3, hr = c(1, 0.6)),
  with_changes(palmira, name = "PALMIRA under H0 (HR 1)", hr = 1),
  list(name = "1:1, 300 patients, HR 0.75, 200 events, dropout 5%", n_total = 300,
       allocation1 = 1, allocation2 = 1, control_median = 12, accrual_time = 24,
       dropout_rate = 0.05, breaks = numeric(0), events = 200, hr = 0.75),
  list(name = "1:1, 300 patients, harm HR 1.3, 200 events", n_total = 300,
       allocation1 = 1, allocation2 = 1, control_median = 12, accrual_time = 24,
       dropout_rate = 0, breaks = numeric(0), events = 200, hr = 1.3)
)

simulate <- function(cs, seed) {
  lambda2 <- log(2) / cs$control_median
  upper <- all(cs$hr >= 1) && any(cs$hr > 1)
  args <- list(
    design = design, directionUpper = upper,
    allocation1 = cs$allocation1, allocation2 = cs$allocation2,
    accrualTime = c(0, cs$accrual_time), maxNumberOfSubjects = cs$n_total,
    plannedEvents = cs$events, dropoutRate1 = cs$dropout_rate,
    dropoutRate2 = cs$dropout_rate, dropoutTime = 12,
    maxNumberOfIterations = ITERATIONS, seed = seed
  )
  if (length(cs$breaks) > 0) {
    starts <- c(0, cs$breaks)
    args$piecewiseSurvivalTime <- starts
    args$lambda2 <- rep(lambda2, length(starts))
    args$lambda1 <- lambda2 * cs$hr
  } else {
    args$lambda2 <- lambda2
    args$hazardRatio <- cs$hr
  }
  elapsed <- system.time(sim <- do.call(getSimulationSurvival, args))[["elapsed"]]
  dat <- getData(sim)
  # rpact's statistic is positive in the direction tested; ours is negative for benefit.
  z <- if (upper) dat$logRankStatistic else -dat$logRankStatistic
  log_hr <- log(dat$hazardRatioEstimateLR)
  stopifnot(nrow(dat) == ITERATIONS)  # one scenario, every trial analysed
  c(cs, list(
    direction = if (upper) "upper" else "lower",
    alpha = ALPHA, sides = 1, iterations = ITERATIONS, seed = seed,
    trials_analysed = nrow(dat),
    events_not_achieved = sim$eventsNotAchieved[1, 1],
    overall_reject = sim$overallReject[1],
    analysis_time_mean = sim$analysisTime[1, 1],
    analysis_time_median = median(dat$analysisTime),
    analysis_time_sd = sd(dat$analysisTime),
    hr_lr_median = median(dat$hazardRatioEstimateLR),
    log_hr_lr_sd = sd(log_hr),
    z_mean = mean(z),
    z_sd = sd(z),
    subjects_mean = mean(dat$numberOfSubjects),
    events_treatment_mean = mean(dat$overallEvents1),
    events_treatment_sd = sd(dat$overallEvents1),
    seconds = elapsed
  ))
}

out <- list(
  generated_with = list(
    R = paste(R.version$major, R.version$minor, sep = "."),
    rpact = as.character(packageVersion("rpact"))
  ),
  designs = lapply(seq_along(cases), function(i) simulate(cases[[i]], SEED + i))
)
write_json(out, "simulation.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
