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
                     uppers = c(0.89, 0.90, 0.92, 1.01), level = 0.95),
  # 29 simulated log ratios on which REML Fisher scoring oscillates: rma(method = "REML")
  # stops with "Fisher scoring algorithm did not converge"; fitted with stepadj = 0.5
  oscillating = as_ci(
    c(0.1037, -0.6743, 0.2619, 0.2229, -0.4532, -0.4497, 0.1742, 0.304, 0.1204, -0.9904,
      -0.696, 0.2127, -0.211, 0.4391, 0.2798, -0.4438, 0.0906, 0.3655, 0.3267, -0.1666,
      -0.1139, -0.0234, 0.5342, 0.3351, 0.8322, 0.1986, 0.3331, 0.5252, -0.065),
    c(0.3876, 0.3221, 0.4834, 0.2296, 0.1499, 0.149, 0.2704, 0.1079, 0.0864, 0.3006,
      0.4174, 0.1022, 0.0147, 0.1304, 0.0267, 0.2869, 0.0729, 0.2144, 0.386, 0.1263,
      0.4195, 0.1612, 0.0772, 0.2107, 0.4637, 0.4757, 0.3045, 0.3132, 0.1902))
)

tight <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)

# does metafor's REML converge with its default control? (FALSE for "oscillating")
reml_default_converges <- sapply(datasets, function(d) {
  crit <- qnorm(1 - (1 - d$level) / 2)
  sei <- (log(d$uppers) - log(d$lowers)) / (2 * crit)
  !inherits(try(rma(yi = log(d$estimates), sei = sei, method = "REML"), silent = TRUE),
            "try-error")
})

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
      control <- tight
      if (method == "REML" && !reml_default_converges[[name]]) control$stepadj <- 0.5
      fits[[key]] <- c(list(dataset = name), fit_one(d, method, knha, control))
      if (method %in% c("REML", "PM") && (method == "PM" || reml_default_converges[[name]])) {
        fits[[paste0(key, "_default")]] <-
          c(list(dataset = name, control = "default"), fit_one(d, method, knha, list()))
      }
    }
  }
}

out <- list(
  generated_with = paste(R.version.string, "metafor", as.character(packageVersion("metafor"))),
  tight_control = tight,
  reml_default_converges = as.list(reml_default_converges),
  datasets = datasets,
  fits = fits
)
write_json(out, "meta.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
