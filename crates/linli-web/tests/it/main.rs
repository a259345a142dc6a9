//! The HTTP integration suite: the app on port 0 over a database of its own, each test run on
//! SQLite and on PostgreSQL (see `support`). One binary, modules by area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod access;
mod accounts;
mod assistance;
mod auth;
mod busy;
mod calendar;
mod cards;
mod corridors;
mod fund;
mod import_messages;
mod learning;
mod matrix;
mod me;
mod openapi;
mod outage;
mod partners;
mod pickers;
mod pipl;
mod places;
mod privacy;
mod publicity;
mod references;
mod registry;
mod replica;
mod reports;
mod requests;
mod routes;
mod search;
mod street;
mod tenancy;
mod visits;
mod volunteers;
