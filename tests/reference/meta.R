# Reference values for explorer.stats.meta.pool (tests/stats/test_meta.py).
#
# metafor rma.uni(yi, sei = , method = , test = "z" | "knha") with yi = log(ratio) and
# sei recovered from the CI width, as pool() does: sei = (log(upper) - log(lower)) / (2 z).
# predict(res, transf = exp) gives the pooled ratio, its CI and the prediction interval.
# Iterative methods (REML, PM) are run twice: with metafor's default control (what a user
# gets) and with tight convergence control (for precise comparison).
#
# Run: cd tests/reference && Rscript meta.R   (writes meta.json)

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

# ratio estimates with their CIs at `level`, from log ratios and variances
as_ci <- function(yi, vi, level = 0.95) {
  crit <- qnorm(1 - (1 - level) / 2)
  list(estimates = exp(yi), lowers = exp(yi - crit * sqrt(vi)),
       uppers = exp(yi + crit * sqrt(vi)), level = level)
}

# BCG vaccine trials (Colditz et al. 1994), log risk ratios via escalc
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)

datasets <- list(
  bcg = as_ci(as.vector(bcg$yi), as.vector(bcg$vi)),
  # made-up CDK4/6-like hazard ratios, for testing only (as printed, to two decimals)
  cdk46 = list(estimates = c(0.58, 0.55, 0.54, 0.80), lowers = c(0.46, 0.44, 0.44, 0.60),
               uppers = c(0.72, 0.69, 0.67, 1.10), level = 0.95),
  # the same four trials read as 90% CIs (inputs and outputs at level 0.90)
  cdk46_level90 = list(estimates = c(0.58, 0.55, 0.54, 0.80),
                       lowers = c(0.46, 0.44, 0.44, 0.60),
                       uppers = c(0.72, 0.69, 0.67, 1.10), level = 0.90),
  # two trials only
  k2 = list(estimates = c(0.58, 0.80), lowers = c(0.46, 0.60), uppers = c(0.72, 1.10),
            level = 0.95),
  # homogeneous: Q < k - 1, so tau2 = 0 for DL, REML and PM
  homogeneous = list(estimates = c(0.70, 0.72, 0.69, 0.71), lowers = c(0.55, 0.58, 0.52, 0.50),
                     uppers = c(0.89, 0.90, 0.92, 1.01), level = 0.95)
)

tight <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)

fit_one <- function(d, method, knha, control) {
  crit <- qnorm(1 - (1 - d$level) / 2)
  yi <- log(d$estimates)
  sei <- (log(d$uppers) - log(d$lowers)) / (2 * crit)
  res <- suppressWarnings(  # metafor warns that knha is "not meant" for FE models
    rma(yi = yi, sei = sei, method = method, test = if (knha) "knha" else "z",
        level = 100 * d$level, control = control))
  pred <- predict(res, transf = exp)
  # metafor's predict() gives no prediction interval for FE models: stored as null
  pi_or_na <- function(x) if (is.null(x)) NA else x
  list(method = method, hartung_knapp = knha, level = d$level,
       estimate = pred$pred, lower = pred$ci.lb, upper = pred$ci.ub,
       pred_lower = pi_or_na(pred$pi.lb), pred_upper = pi_or_na(pred$pi.ub),
       b = as.vector(res$b), se = res$se, pval = res$pval,
       tau2 = res$tau2, i2 = res$I2, h2 = res$H2, q = res$QE, q_p = res$QEp,
       s2w = res$s2w, k = res$k, weights = as.vector(weights(res)))
}

fits <- list()
for (name in names(datasets)) {
  d <- datasets[[name]]
  for (method in c("FE", "DL", "REML", "PM")) {
    for (knha in c(FALSE, TRUE)) {
      key <- paste(name, method, if (knha) "knha" else "z", sep = "_")
      fits[[key]] <- c(list(dataset = name), fit_one(d, method, knha, tight))
      if (method %in% c("REML", "PM")) {
        fits[[paste0(key, "_default")]] <-
          c(list(dataset = name, control = "default"), fit_one(d, method, knha, list()))
      }
    }
  }
}

out <- list(
  generated_with = paste(R.version.string, "metafor", as.character(packageVersion("metafor"))),
  tight_control = tight,
  datasets = datasets,
  fits = fits
)
write_json(out, "meta.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
