# Read a zonedata package (any Frictionless Data Package of CSV resources) in R with Debian's
# r-base-core, r-cran-readr and r-cran-jsonlite only, with the types its datapackage.json declares,
# and check it:
#   - every CSV resource's header is its schema's fields, in order;
#   - every value parses as its declared type (string, integer, number, boolean, date, datetime,
#     time, year, and Table Schema v2 `list` fields, split on their delimiter into typed items);
#   - required fields and primary-key fields are never missing, primary keys and unique fields
#     have no duplicates, enum fields hold only their values;
#   - for every citation (a resource with source_id, quote, quote_start and quote_end),
#     substr(text, quote_start + 1, quote_end) == quote, where text is the source's stored text
#     seeds/<file> (the sources resource gives file by source_id). A quote may differ from the
#     text only as zonedata's safe normalisation allows (no-break and other spaces, runs of
#     white space, curly quotes, dashes, NFC); such quotes are counted and listed, not failed.
#
# usage: Rscript tests/read_package.R [PACKAGE_DIR [SEEDS_DIR]]
# PACKAGE_DIR holds datapackage.json (default "."); SEEDS_DIR the stored texts (default
# PACKAGE_DIR/seeds; a release archive has seeds/sources.csv but none of the texts, and the
# citation check then says that the offsets cannot be checked without them and is skipped; a
# missing text when others are there is a problem). Prints one line per resource and per problem; exits 1 when there is a problem.

suppressPackageStartupMessages({
  library(jsonlite)
  library(readr)
})

args <- commandArgs(trailingOnly = TRUE)
package_dir <- if (length(args) >= 1) args[[1]] else "."
seeds_dir <- if (length(args) >= 2) args[[2]] else file.path(package_dir, "seeds")

problems_found <- 0L
problem <- function(resource, what) {
  problems_found <<- problems_found + 1L
  cat(sprintf("ERROR %s: %s\n", resource, what))
}
`%||%` <- function(a, b) if (is.null(a)) b else a
rows_text <- function(rows) {
  shown <- paste(utils::head(rows, 5), collapse = ", ")
  if (length(rows) > 5) paste0(shown, ", ... (", length(rows), " rows)") else shown
}

descriptor <- fromJSON(file.path(package_dir, "datapackage.json"), simplifyVector = FALSE)

# A schema may be inline or a path to a JSON file inside the package.
schema_of <- function(resource) {
  schema <- resource$schema
  if (is.character(schema)) schema <- fromJSON(file.path(package_dir, schema), simplifyVector = FALSE)
  schema
}

# Parse one column of text as the field's type; returns the parsed vector (a list for `list`
# fields) and reports every value that does not parse.
parse_field <- function(values, field, missing, resource) {
  type <- field$type %||% "string"
  format <- field$format %||% "default"
  na <- unlist(field$missingValues %||% missing)
  if (is.null(na)) na <- character()
  parse_one <- function(x, type, format, na) {
    switch(type,
      string = , any = , geopoint = , geojson = , object = , array = , duration = , yearmonth =
        ifelse(x %in% na, NA_character_, x),
      integer = , year = parse_integer(x, na = na),
      number = {
        locale <- locale(decimal_mark = field$decimalChar %||% ".", grouping_mark = field$groupChar %||% ",")
        if (isFALSE(field$bareNumber)) parse_number(x, na = na, locale = locale)
        else parse_double(x, na = na, locale = locale)
      },
      boolean = {
        true <- unlist(field$trueValues %||% list("true", "True", "TRUE", "1"))
        false <- unlist(field$falseValues %||% list("false", "False", "FALSE", "0"))
        out <- ifelse(x %in% true, TRUE, ifelse(x %in% false, FALSE, NA))
        bad <- which(is.na(out) & !(x %in% na))
        if (length(bad)) attr(out, "bad_rows") <- bad
        out
      },
      date = parse_date(x, format = if (format %in% c("default", "any")) "%Y-%m-%d" else format, na = na),
      datetime = parse_datetime(x, format = if (format %in% c("default", "any")) "" else format, na = na),
      time = parse_time(x, format = if (format %in% c("default", "any")) "" else format, na = na),
      {
        problem(resource, sprintf("field %s has type %s, which this reader does not know; read as text",
                                  field$name, type))
        ifelse(x %in% na, NA_character_, x)
      })
  }
  bad_rows <- function(parsed) {
    if (!is.null(attr(parsed, "bad_rows"))) return(attr(parsed, "bad_rows"))
    p <- attr(parsed, "problems")
    if (is.null(p) || nrow(p) == 0) integer() else p$row
  }
  if (type == "list") {
    # Table Schema v2: "a,b,c" -> a vector of items of itemType; an empty cell is an empty list,
    # a missing value is NULL (NA)
    delimiter <- field$delimiter %||% ","
    item_type <- field$itemType %||% "string"
    parsed <- vector("list", length(values))
    bad <- integer()
    for (i in seq_along(values)) {
      if (is.na(values[[i]]) || values[[i]] %in% na) { parsed[i] <- list(NULL); next }
      items <- if (values[[i]] == "") character() else strsplit(values[[i]], delimiter, fixed = TRUE)[[1]]
      typed <- parse_one(items, item_type, format, character())
      if (length(bad_rows(typed)) || any(is.na(typed))) bad <- c(bad, i)
      parsed[[i]] <- as.vector(typed)
    }
  } else {
    parsed <- parse_one(values, type, format, na)
    bad <- bad_rows(parsed)
    parsed <- as.vector(parsed)
    if (type %in% c("date", "datetime")) class(parsed) <- class(parse_one(character(), type, format, na))
  }
  if (length(bad)) {
    problem(resource, sprintf("field %s: %d value(s) are not a valid %s (rows %s: %s)", field$name, length(bad),
                              if (type == "list") paste0("list of ", field$itemType %||% "string") else type,
                              rows_text(bad), paste(utils::head(shQuote(values[bad]), 3), collapse = ", ")))
  }
  parsed
}

check_resource <- function(resource) {
  name <- resource$name
  schema <- schema_of(resource)
  fields <- schema$fields
  names_declared <- vapply(fields, function(f) f$name, character(1))
  missing <- schema$missingValues %||% list("")
  path <- file.path(package_dir, unlist(resource$path))
  raw <- read_csv(path, col_types = cols(.default = col_character()), na = character(), trim_ws = FALSE,
                  locale = locale(encoding = resource$encoding %||% "UTF-8"), progress = FALSE,
                  show_col_types = FALSE)
  if (nrow(problems(raw)) > 0) {
    problem(name, sprintf("%s is not a well-formed CSV file (first at row %d: %s)", resource$path,
                          problems(raw)$row[1], problems(raw)$expected[1]))
  }
  if (!identical(names(raw), names_declared)) {
    problem(name, sprintf("the header (%s) is not the schema's fields (%s)", paste(names(raw), collapse = ","),
                          paste(names_declared, collapse = ",")))
    return(NULL)
  }
  table <- list()
  for (field in fields) table[[field$name]] <- parse_field(raw[[field$name]], field, missing, name)
  key <- unlist(schema$primaryKey)
  for (field in fields) {
    constraints <- field$constraints %||% list()
    values <- table[[field$name]]
    # missing as written (a value that does not parse is reported above, not again as missing)
    absent <- which(raw[[field$name]] %in% unlist(field$missingValues %||% missing))
    if ((isTRUE(constraints$required) || field$name %in% key) && length(absent)) {
      problem(name, sprintf("field %s is required but missing in rows %s", field$name, rows_text(absent)))
    }
    present <- setdiff(seq_along(raw[[field$name]]), absent)
    if (isTRUE(constraints$unique)) {
      dup <- present[duplicated(raw[[field$name]][present])]
      if (length(dup)) problem(name, sprintf("field %s must be unique; repeated in rows %s", field$name, rows_text(dup)))
    }
    if (!is.null(constraints$enum) && !is.list(values)) {
      allowed <- vapply(constraints$enum, as.character, character(1))
      outside <- present[!(raw[[field$name]][present] %in% allowed)]
      if (length(outside)) {
        problem(name, sprintf("field %s holds values outside its enum in rows %s", field$name, rows_text(outside)))
      }
    }
  }
  if (length(key)) {
    key_text <- do.call(paste, c(lapply(key, function(k) raw[[k]]), sep = "\x1f"))
    dup <- which(duplicated(key_text))
    if (length(dup)) {
      problem(name, sprintf("primary key (%s) repeated in rows %s", paste(key, collapse = ", "), rows_text(dup)))
    }
  }
  cat(sprintf("%s: %d rows, %d fields read as %s%s\n", name, nrow(raw), length(fields),
              paste(unique(vapply(fields, function(f) f$type %||% "string", character(1))), collapse = "/"),
              if (length(key)) sprintf("; primary key %s", paste(key, collapse = ", ")) else ""))
  table
}

csv_resources <- Filter(function(r) identical(r$format %||% tools::file_ext(unlist(r$path)[1]), "csv"),
                        descriptor$resources)
tables <- list()
for (resource in csv_resources) tables[[resource$name]] <- check_resource(resource)

# Citations: every resource whose fields include source_id, quote, quote_start and quote_end, checked
# against the texts named by the resource with source_id and file.
# zonedata's safe normalisation (zonedata.text.normalise): NFC (with the utf8 package, which readr
# brings), curly quotes and dashes one for one, every white space run to one space, trimmed
SINGLE_QUOTES <- "[\u2018\u2019\u201a\u201b\u2032]"
DOUBLE_QUOTES <- "[\u201c\u201d\u201e\u201f\u2033]"
DASHES <- "[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]"
WHITE_SPACE <- paste0("(*UTF)[\\s\\x{1c}-\\x{1f}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}",
                      "\\x{202f}\\x{205f}\\x{3000}]+")
normalise <- function(x) {
  if (requireNamespace("utf8", quietly = TRUE)) x <- utf8::utf8_normalize(x)
  x <- gsub(DASHES, "-", gsub(DOUBLE_QUOTES, '"', gsub(SINGLE_QUOTES, "'", x)))
  trimws(gsub(WHITE_SPACE, " ", x, perl = TRUE))
}

has_fields <- function(table, wanted) !is.null(table) && all(wanted %in% names(table))
sources <- Filter(function(t) has_fields(t, c("source_id", "file")), tables)
citations <- Filter(function(t) has_fields(t, c("source_id", "quote", "quote_start", "quote_end")), tables)
if (length(citations) && !length(sources)) problem("citations", "no resource has source_id and file to find the texts")
if (length(citations) && length(sources)) {
  source <- sources[[1]]
  files <- stats::setNames(source$file, source$source_id)
  stored <- file.exists(file.path(seeds_dir, files))
  if (!any(stored)) {
    # a release archive carries seeds/sources.csv but not the third-party texts, which are not
    # redistributed: the offsets cannot be checked without them (everything else above was)
    cat(sprintf(paste0("citations: not checked against the texts: none of the %d stored source texts is in %s ",
                       "(release archives do not redistribute them); the quote offsets cannot be checked ",
                       "without them, types, keys and required fields were\n"), length(files), seeds_dir))
  } else {
    texts <- list()
    for (sid in names(files)) {
      path <- file.path(seeds_dir, files[[sid]])
      if (!file.exists(path)) { problem("citations", sprintf("source %s: %s does not exist", sid, path)); next }
      text <- rawToChar(readBin(path, "raw", file.info(path)$size))
      Encoding(text) <- "UTF-8"
      texts[[sid]] <- text
    }
    for (cname in names(citations)) {
      cites <- citations[[cname]]
      checked <- 0L
      normalised <- integer()
      for (i in seq_along(cites$quote)) {
        sid <- cites$source_id[[i]]
        if (is.null(texts[[sid]])) {
          problem(cname, sprintf("row %d: source %s has no stored text", i, sid))
          next
        }
        start <- cites$quote_start[[i]]
        end <- cites$quote_end[[i]]
        if (is.na(start) || is.na(end)) { problem(cname, sprintf("row %d: quote offsets are missing", i)); next }
        found <- substr(texts[[sid]], start + 1, end)
        checked <- checked + 1L
        if (identical(found, cites$quote[[i]])) next
        if (identical(normalise(found), normalise(cites$quote[[i]]))) {
          normalised <- c(normalised, i)
        } else {
          problem(cname, sprintf("row %d: substr(text of %s, %d + 1, %d) is \"%s\", not the quote \"%s\"", i, sid,
                                 start, end, substr(found, 1, 60), substr(cites$quote[[i]], 1, 60)))
        }
      }
      cat(sprintf("%s: %d quotes checked: substr(text, quote_start + 1, quote_end) == quote%s\n", cname, checked,
                  if (length(normalised)) sprintf(" (%d equal after the safe normalisation: rows %s)",
                                                  length(normalised), rows_text(normalised)) else ""))
    }
  }
}

if (problems_found) {
  cat(sprintf("%d problem(s)\n", problems_found))
  quit(status = 1)
}
cat(sprintf("valid: %d CSV resources read with their declared types\n", length(csv_resources)))
