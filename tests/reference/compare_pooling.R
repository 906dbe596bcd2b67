# Reference values for explorer.analysis.compare (tests/analysis/test_compare.py):
# the progression-free survival hazard ratios of four trials of a CDK4/6 inhibitor after
# progression on one, as published (J Clin Oncol), put on one CI level and pooled.
#
#   PALMIRA 2025      HR 0.84 (95% CI 0.66-1.07)
#   MAINTAIN 2023     HR 0.57 (95% CI 0.39-0.85)
#   PACE 2024 F+P vs F HR 1.11 (90% CI 0.79-1.55)   <- printed at 90%
#   postMONARCH 2025  HR 0.73 (95% CI 0.57-0.95)   (investigator-assessed)
#
# Conversion (the app's assumption: a symmetric Wald CI on the log scale, printed
# estimate kept): se = (log(upper) - log(lower)) / (2 qnorm(1 - (1 - level) / 2)) at the
# level printed; the CI at the target level is exp(log(estimate) +/- z_target * se).
# Pooling: metafor rma.uni(yi = log(estimate), sei = se, method, test = "z" | "knha",
# level = 100 * target) and predict(res, transf = exp), with tight convergence control
# (threshold = tol = 1e-12) so that REML and PM are fully converged. metafor's predict()
# gives no prediction interval for FE models: stored as null.
#
# Cases: the four trials at 95% and at 90%; two trials (PALMIRA and PACE, the two that
# continued palbociclib); three trials (without PALMIRA; without PACE).
#
# Run: cd tests/reference && Rscript compare_pooling.R   (writes compare_pooling.json)

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

trials <- list(
  PALMIRA = list(estimate = 0.84, lower = 0.66, upper = 1.07, level = 0.95),
  MAINTAIN = list(estimate = 0.57, lower = 0.39, upper = 0.85, level = 0.95),
  PACE = list(estimate = 1.11, lower = 0.79, upper = 1.55, level = 0.90),
  postMONARCH = list(estimate = 0.73, lower = 0.57, upper = 0.95, level = 0.95)
)

z_of <- function(level) qnorm(1 - (1 - level) / 2)

# each trial's SE of the log HR, and its CI at each target level
conversions <- list()
for (name in names(trials)) {
  t <- trials[[name]]
  se <- (log(t$upper) - log(t$lower)) / (2 * z_of(t$level))
  at <- list()
  for (target in c(0.95, 0.90)) {
    at[[format(target)]] <- list(
      level = target,
      lower = exp(log(t$estimate) - z_of(target) * se),
      upper = exp(log(t$estimate) + z_of(target) * se)
    )
  }
  conversions[[name]] <- list(reported = t, se_log = se, z_reported = z_of(t$level), at = at)
}

cases <- list(
  four_95 = list(trials = c("PALMIRA", "MAINTAIN", "PACE", "postMONARCH"), level = 0.95),
  four_90 = list(trials = c("PALMIRA", "MAINTAIN", "PACE", "postMONARCH"), level = 0.90),
  two_continued = list(trials = c("PALMIRA", "PACE"), level = 0.95),
  three_without_palmira = list(trials = c("MAINTAIN", "PACE", "postMONARCH"), level = 0.95),
  three_without_pace = list(trials = c("PALMIRA", "MAINTAIN", "postMONARCH"), level = 0.95)
)

tight <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)

fit_one <- function(case, method, knha) {
  yi <- sapply(case$trials, function(n) log(trials[[n]]$estimate))
  sei <- sapply(case$trials, function(n) conversions[[n]]$se_log)
  res <- suppressWarnings(  # metafor warns that knha is "not meant" for FE models
    rma(yi = yi, sei = sei, method = method, test = if (knha) "knha" else "z",
        level = 100 * case$level, control = tight))
  pred <- predict(res, transf = exp)
  pi_or_na <- function(x) if (is.null(x)) NA else x
  list(method = method, hartung_knapp = knha, level = case$level, k = res$k,
       estimate = pred$pred, lower = pred$ci.lb, upper = pred$ci.ub,
       pred_lower = pi_or_na(pred$pi.lb), pred_upper = pi_or_na(pred$pi.ub),
       tau2 = res$tau2, i2 = res$I2, q = res$QE, q_p = res$QEp,
       weights = as.vector(weights(res)))
}

fits <- list()
for (case_name in names(cases)) {
  case <- cases[[case_name]]
  for (method in c("FE", "DL", "REML", "PM")) {
    for (knha in c(FALSE, TRUE)) {
      key <- paste(case_name, method, if (knha) "knha" else "z", sep = "_")
      fits[[key]] <- c(list(case = case_name), fit_one(case, method, knha))
    }
  }
}

out <- list(
  generated_with = paste(R.version.string, "metafor", as.character(packageVersion("metafor"))),
  tight_control = tight,
  trials = trials,
  conversions = conversions,
  cases = cases,
  fits = fits
)
write_json(out, "compare_pooling.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
