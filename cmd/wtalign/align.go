package main

import "github.com/spf13/cobra"

func newAlignCommand(a *app) *cobra.Command { return &cobra.Command{Use: "align"} }
