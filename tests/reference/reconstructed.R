# Reference values for tests/analysis/test_reconstructed.py: analyses of patients
# reconstructed from a digitised Kaplan–Meier figure, on two real trials from R's survival
# package.
#
# Run:  cd tests/reference && Rscript reconstructed.R
#       ../../.venv/bin/python make_reconstructed_ipd.py   (writes reconstructed_ipd.json)
#       Rscript reconstructed.R                            (adds R's analyses of that IPD)
#
# The first run writes reconstructed.json with the "figures" and the TRUE analyses; the
# generator reconstructs the patients from those figures with explorer's own code and
# stores them in reconstructed_ipd.json; the second run reads them and adds "on_ipd", R's
# analyses of the reconstructed patients. CI reads only the two JSON files.
#
# Data (time in days converted to months = days / (365.25 / 12)):
# * veteran           survival::veteran, Veterans' Administration lung cancer trial:
#                     trt 2 ("test", treatment) vs trt 1 ("standard", control), 137 patients,
#                     event = status. Numbers at risk every 3 months, 0 to 33.
# * veteran_celltype  the same trial stratified by celltype (squamous, smallcell, adeno,
#                     large): one curve and one risk table per cell type and arm.
# * colon             survival::colon, etype == 2 (death), a three-arm trial: "lev" and
#                     "lev5fu" (Lev+5FU) vs "obs" (Obs, control), 929 patients, long
#                     follow-up with late censoring (flat tails). Numbers at risk every 12
#                     months, 0 to 108.
#
# The "digitised" points are both corners of every drop of each arm's survfit curve (as a
# digitiser reads a step curve) and the curve's end at the last follow-up time; the figure
# also gives each curve's total number of events.
#
# Analyses (the same function for the true and the reconstructed patients), all with
# Surv times compared exactly (timefix = FALSE; for survdiff, checked that no two times
# are near-equal), as explorer.stats does:
# * per arm: survfit(conf.type = "log") median and CI (quantile(fit, 0.5)); RMST and its SE
#   at tau (summary(fit, rmean = tau)$table); survival with CI at the landmark times
#   (summary(fit, times = t)); per stratum and arm the median and CI;
# * per treatment arm vs control: survdiff chi-square and p (+ strata(s) when stratified),
#   coxph(ties = "efron") coefficient, SE, HR, Wald CI (exp(confint)) and Wald p (stratified
#   likewise), and the RMST difference with SE sqrt(se1^2 + se0^2).
#
# jsonlite writes NA as null; the tests read it as NaN.

library(survival)
library(jsonlite)

MONTH <- 365.25 / 12

# ---- the trials ------------------------------------------------------------------------------

veteran_data <- function() {
  v <- survival::veteran
  data.frame(
    arm = ifelse(v$trt == 2, "test", "standard"),
    stratum = as.character(v$celltype),
    time = v$time / MONTH,
    event = as.integer(v$status),
    stringsAsFactors = FALSE
  )
}

colon_data <- function() {
  c2 <- subset(survival::colon, etype == 2)
  arm <- c("Obs" = "obs", "Lev" = "lev", "Lev+5FU" = "lev5fu")[as.character(c2$rx)]
  data.frame(
    arm = unname(arm), stratum = NA_character_, time = c2$time / MONTH,
    event = as.integer(c2$status), stringsAsFactors = FALSE
  )
}

cases <- list(
  veteran = list(
    data = veteran_data(), stratified = FALSE, treatments = "test", control = "standard",
    risk_times = seq(0, 33, by = 3), tau = 18, landmarks = c(6, 12)
  ),
  veteran_celltype = list(
    data = veteran_data(), stratified = TRUE, treatments = "test", control = "standard",
    risk_times = seq(0, 33, by = 3), tau = 18, landmarks = c(6, 12)
  ),
  colon = list(
    data = colon_data(), stratified = FALSE, treatments = c("lev", "lev5fu"),
    control = "obs", risk_times = seq(0, 108, by = 12), tau = 96, landmarks = c(36, 60)
  )
)

# ---- the digitised figure --------------------------------------------------------------------

curve_points <- function(time, event) {
  fit <- survfit(Surv(time, event) ~ 1, timefix = FALSE)
  drop <- fit$n.event > 0
  t <- fit$time[drop]
  s <- fit$surv[drop]
  before <- c(1, head(s, -1))
  list(
    time = c(t, t, max(time)),
    survival = c(before, s, tail(fit$surv, 1))
  )
}

figure_of <- function(case) {
  d <- case$data
  groups <- if (case$stratified) unique(d[, c("arm", "stratum")]) else unique(d["arm"])
  curves <- list()
  tables <- list()
  for (i in seq_len(nrow(groups))) {
    a <- groups$arm[i]
    s <- if (case$stratified) groups$stratum[i] else NA
    rows <- d$arm == a & (if (case$stratified) d$stratum == s else TRUE)
    pts <- curve_points(d$time[rows], d$event[rows])
    curves[[i]] <- list(
      arm = a, stratum = s, time = pts$time, survival = pts$survival,
      total_events = sum(d$event[rows])
    )
    tables[[i]] <- list(
      arm = a, stratum = s, time = case$risk_times,
      at_risk = sapply(case$risk_times, function(r) sum(d$time[rows] >= r))
    )
  }
  list(curves = curves, risk_tables = tables)
}

# ---- the analyses ----------------------------------------------------------------------------

median_of <- function(fit) {
  q <- quantile(fit, 0.5)
  list(median = unname(q$quantile), lower = unname(q$lower), upper = unname(q$upper))
}

arm_analysis <- function(time, event, tau, landmarks) {
  fit <- survfit(Surv(time, event) ~ 1, conf.type = "log", timefix = FALSE)
  tab <- summary(fit, rmean = tau)$table
  lm <- summary(fit, times = landmarks)
  c(
    list(n = length(time), events = sum(event)),
    median_of(fit),
    list(
      rmst = unname(tab["rmean"]), rmst_se = unname(tab["se(rmean)"]),
      landmark_time = landmarks, landmark_surv = lm$surv,
      landmark_lower = lm$lower, landmark_upper = lm$upper
    )
  )
}

comparison <- function(d, treatment, control, stratified, tau, arms) {
  d <- d[d$arm %in% c(treatment, control), ]
  d$treat <- as.integer(d$arm == treatment)
  # survdiff(timefix = FALSE) fails in survival 3.5-3 ("variable lengths differ"); its
  # default merges near-equal times, so check there are none: then both are the same.
  stopifnot(identical(unclass(aeqSurv(Surv(d$time, d$event))), unclass(Surv(d$time, d$event))))
  if (stratified) {
    lr <- survdiff(Surv(time, event) ~ treat + strata(stratum), data = d)
    fit <- coxph(Surv(time, event) ~ treat + strata(stratum), data = d, ties = "efron",
                 control = coxph.control(timefix = FALSE))
  } else {
    lr <- survdiff(Surv(time, event) ~ treat, data = d)
    fit <- coxph(Surv(time, event) ~ treat, data = d, ties = "efron",
                 control = coxph.control(timefix = FALSE))
  }
  co <- summary(fit)$coefficients
  ci <- exp(confint(fit, level = 0.95))
  t1 <- arms[[treatment]]
  t0 <- arms[[control]]
  list(
    treatment = treatment, control = control,
    chisq = lr$chisq, logrank_p = pchisq(lr$chisq, 1, lower.tail = FALSE),
    coef = unname(co[1, "coef"]), se = unname(co[1, "se(coef)"]),
    hr = unname(co[1, "exp(coef)"]), hr_lower = unname(ci[1, 1]), hr_upper = unname(ci[1, 2]),
    cox_p = unname(co[1, "Pr(>|z|)"]),
    rmst_difference = t1$rmst - t0$rmst, rmst_difference_se = sqrt(t1$rmst_se^2 + t0$rmst_se^2)
  )
}

analyse <- function(d, case) {
  arm_ids <- c(case$treatments, case$control)
  arms <- lapply(arm_ids, function(a) {
    rows <- d$arm == a
    arm_analysis(d$time[rows], d$event[rows], case$tau, case$landmarks)
  })
  names(arms) <- arm_ids
  strata <- list()
  if (case$stratified) {
    for (s in unique(d$stratum)) {
      for (a in arm_ids) {
        rows <- d$arm == a & d$stratum == s
        fit <- survfit(Surv(time, event) ~ 1, data = d[rows, ], conf.type = "log",
                       timefix = FALSE)
        strata[[length(strata) + 1]] <- c(list(arm = a, stratum = s), median_of(fit))
      }
    }
  }
  comparisons <- lapply(case$treatments, function(t) {
    comparison(d, t, case$control, case$stratified, case$tau, arms)
  })
  list(arms = arms, strata = strata, comparisons = comparisons)
}

# ---- run -------------------------------------------------------------------------------------

out <- list(
  generated_with = paste0(R.version.string, ", survival ", packageVersion("survival")),
  cases = list(),
  on_ipd = NULL
)
for (name in names(cases)) {
  case <- cases[[name]]
  out$cases[[name]] <- c(
    list(
      time_unit = "months", stratified = case$stratified, treatments = I(case$treatments),
      control = case$control, tau = case$tau, landmarks = case$landmarks
    ),
    figure_of(case),
    list(truth = analyse(case$data, case))
  )
}

ipd_file <- "reconstructed_ipd.json"
if (file.exists(ipd_file)) {
  ipd <- fromJSON(ipd_file, simplifyVector = FALSE)
  out$on_ipd <- list()
  for (name in names(cases)) {
    curves <- ipd$cases[[name]]$curves
    d <- do.call(rbind, lapply(curves, function(cv) {
      data.frame(
        arm = cv$arm, stratum = if (is.null(cv$stratum)) NA_character_ else cv$stratum,
        time = as.numeric(unlist(cv$time)), event = as.integer(unlist(cv$event)),
        stringsAsFactors = FALSE
      )
    }))
    case <- cases[[name]]
    case$tau <- ipd$cases[[name]]$tau
    out$on_ipd[[name]] <- analyse(d, case)
  }
}

write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
      "reconstructed.json")
